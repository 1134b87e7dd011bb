# Multi-teacher KD with the KD term of the official AMTML-KD code
# (FLHonker/AMTML-KD-code: original_KD, multi_teacher_avg_distill and every
# LR_adaptive_* notebook write it alike):
#   0.3 CE(z_s, y) + 0.7 * 2 T^2 * nn.KLDivLoss()(log_softmax(z_s/T), q),
# T = 5, q = sum_k alpha_k softmax(z_k/T) with uniform alpha_k = 1/K.
# nn.KLDivLoss() averages over batch AND classes (reduction='mean'), so the
# per-sample weight of the KL is 1.4 T^2 / C (0.35 on CIFAR-100).
# With one teacher this is the code's original_KD. No schedule here:
#   avgmkd.py - + the triplet term, 200 epochs (the official AvgMKD);
#   amtml.py  - + the adapter, RKD angle/distance and stage-2 hints,
#               80 + 200 epochs (the official LR_adaptive_learning).
# A leaf sets `architecture` and `teachers`.
_base_ = ['../default_runtime.py']

model = dict(
    type='MultiTeacherDistill',
    architecture=dict(
        head=dict(loss=dict(type='CrossEntropyLoss', loss_weight=0.3))),
    teachers=dict(),
    teacher_weighting=dict(type='UniformTeacherWeighting'),
    distiller=dict(
        type='MultiTeacherDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc'),
            # beta(x) of the adapter: the last feature map, pooled
            pooled=dict(type='PooledOutputs', source='backbone', pool='avg'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(
                type='MultiTeacherKDLoss',
                tau=5,
                reduction='mean',
                loss_weight=1.4)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits'))),
        # what the weighting rules take (each uses the inputs it needs)
        weighting_inputs=dict(
            teacher_logits=dict(from_student=False, recorder='logits'),
            student_feature=dict(from_student=True, recorder='pooled'),
            gt_labels=dict(
                from_student=True, recorder='gt_labels', data_idx=1))))

# validates the student and (once) each teacher
val_cfg = dict(_delete_=True, type='DistillValLoop')

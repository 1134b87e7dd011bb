# Decoupled KD (Zhao et al., CVPR 2022) as mdistiller's DKD.py, through
# MMRazor's DKDLoss:
#   CE(student, y) + min(epoch / 20, 1) * (alpha * TCKD + beta * NCKD),
# T = 4, alpha = 1; beta depends on the pair (leaf configs set it).
# Note: the SLKD repository changes mdistiller's DKD default T to 10; the
# per-pair mdistiller configs (and these) use 4.
_base_ = ['../default_runtime.py']

model = dict(
    type='SingleTeacherDistill',
    architecture=dict(
        head=dict(loss=dict(type='CrossEntropyLoss', loss_weight=1.0))),
    teacher=dict(),
    # required: the leaf sets the teacher's checkpoint (None is an error;
    # 'random' opts in to a randomly initialised teacher, for tests)
    teacher_ckpt=None,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc'),
            # the labels, as passed to the student's CE loss module
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_dkd=dict(
                type='DKDLoss',
                tau=4,
                alpha=1.0,
                beta=8.0,
                reduction='batchmean',
                loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))

val_cfg = dict(_delete_=True, type='SingleTeacherDistillValLoop')

# mdistiller's warm-up of the DKD term: factor min(epoch / 20, 1), 1-indexed.
# In default_hooks (a dict, merged by child configs) so that a user's own
# custom_hooks list does not drop it.
default_hooks = dict(
    distill_loss_warmup=dict(
        type='DistillLossWarmupHook', loss_names=['loss_dkd'], warmup=20))

# AMTML-KD (Liu, Zhang and Wang, Neurocomputing 2020) as the official
# LR_adaptive_learning notebook runs it (FLHonker/AMTML-KD-code):
#   0.3 CE(z_s/T, y)                                   (CE at temperature T)
#   + 0.7 * 2 T^2 * nn.KLDivLoss()(log_softmax(z_s/T), q)     (multi_teacher.py)
#   + 1.0 RKD-angle(log_softmax(z_s/T), q) + 1.0 RKD-distance(log_softmax(z_s/T), q)
#   + phase 1 only: sum_k 1.0 FitNet_k(student stage 2, teacher k's stage 2)
#   + phase 1 only: 0.1 (||w||^2 + sum_k ||theta_k||^2)       (adapter L2)
# T = 5, q = sum_k alpha_k(x) softmax(z_k/T), alpha from the latent adapter.
# The K FitNet connectors (1x1 conv on the channel-normalised student map,
# U(-0.005, 0.005)) are never stepped in the notebook: frozen here too
# (group_hints.train_connectors=False).
# Phase 1 (epochs 0-79): student and adapter learn; the adapter has its own
# SGD (lr 0.1, momentum 0.9, no weight decay, x0.1 after 40 and 70). Phase 2
# (epochs 80-279): adapter frozen, no hints, the student's lr x0.1 after
# epochs 180 and 230. The earlier mmslkd recipe (batch-mean KL, angle on
# softmax, round-robin hints on stages 1-3 in both phases) is
# configs/amtml/amtml-rr-hints_r32+r56+r110_r20_cifar100.py.
_base_ = ['./multi_teacher.py', '../schedules/multi_teacher_bs128_280e.py']

_relational_inputs = dict(
    preds_S=dict(from_student=True, recorder='logits'),
    preds_T=dict(from_student=False, recorder='logits'))
model = dict(
    architecture=dict(
        head=dict(
            loss=dict(
                _delete_=True,
                type='mmslkd.TemperatureCrossEntropyLoss',
                tau=5,
                loss_weight=0.3))),
    teacher_weighting=dict(
        _delete_=True,
        type='LatentAdapterWeighting',
        l2_weight=0.1,
        init_seed=1),
    distiller=dict(
        distill_losses=dict(
            loss_angle=dict(
                type='MultiTeacherAngleLoss',
                tau=5,
                student_input='log_softmax',
                loss_weight=1.0),
            loss_dist=dict(
                type='MultiTeacherDistanceLoss',
                tau=5,
                student_input='log_softmax',
                loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_angle=_relational_inputs, loss_dist=_relational_inputs),
        group_hints=dict(
            student_stages=(2, ),
            every_teacher=True,
            connector=dict(type='NormalizedConvConnector'),
            train_connectors=False,
            loss=dict(type='NormalizedHintLoss', loss_weight=1.0))))

optim_wrapper = dict(
    teacher_weighting=dict(
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0)))
param_scheduler = dict(
    teacher_weighting=dict(
        type='MultiStepLR',
        by_epoch=True,
        milestones=[40, 70],
        gamma=0.1,
        end=80))
default_hooks = dict(
    freeze_adapter=dict(
        type='FreezeModulesHook', modules=['teacher_weighting'], epoch=80),
    # the notebook adds the hints in its phase 1 (train_adapter) only
    hints_phase=dict(
        type='LossWeightPhaseHook',
        phases=[dict(begin=80, loss_weights=dict(loss_hint2=0.0))]))

# AMTML-KD with mmslkd's earlier recipe (the spec's recommended form, used by
# the digits study in docs/results/amtml.json), kept for comparison with the
# official one of amtml_r32+r56+r110_r20_cifar100.py:
#   0.3 CE(z_s, y) + 0.7 T^2 KL(q || softmax(z_s/T)) (batch mean, summed over
#   classes) + 1.0 RKD-angle(softmax(z_s/T), q)
#   + sum_g 1.0 FitNet(student stage g <- teacher (g-1) mod K, stage g),
#     g = 1, 2, 3, trained connectors, both phases
#     (the round-robin grouping of LR_adaptive_AT, with FitNet).
# No distance loss. Adapter, phases and schedule as the official recipe.
_base_ = ['./amtml_r32+r56+r110_r20_cifar100.py']

_logits = dict(
    preds_S=dict(from_student=True, recorder='logits'),
    preds_T=dict(from_student=False, recorder='logits'))
model = dict(
    architecture=dict(
        head=dict(
            loss=dict(
                _delete_=True, type='CrossEntropyLoss', loss_weight=0.3))),
    distiller=dict(
        distill_losses=dict(
            _delete_=True,
            loss_kd=dict(type='MultiTeacherKDLoss', tau=5, loss_weight=0.7),
            loss_angle=dict(
                type='MultiTeacherAngleLoss',
                tau=5,
                student_input='softmax',
                loss_weight=1.0)),
        loss_forward_mappings=dict(
            _delete_=True, loss_kd=_logits, loss_angle=_logits),
        group_hints=dict(
            _delete_=True,
            student_stages=(1, 2, 3),
            connector=dict(type='NormalizedConvConnector'),
            loss=dict(type='NormalizedHintLoss', loss_weight=1.0))))
# hints in both phases
default_hooks = dict(hints_phase=None)

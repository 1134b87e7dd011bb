# Multi-teacher study on the embedded digits, AMTML-KD as the official
# LR_adaptive_learning runs it (_base_/algorithms/amtml.py) on the study's
# 30-epoch schedule at batch 64: phase 1 = epochs 0-9 (the adapter learns
# with its own SGD, lr 0.05, x0.1 after 5 and 8, L2 0.1; stage-2 hints from
# every teacher), phase 2 = epochs 10-29 (adapter frozen, no hints).
# (docs/results/amtml.json was made with mmslkd's earlier recipe.)
_base_ = [
    '../_base_/teacher_sets/digits_3teachers.py',
    '../_base_/models/digits/resnet8tiny.py',
    '../_base_/datasets/mnist1k_bs64.py',
    '../_base_/algorithms/amtml.py',
]

model = dict(architecture=_base_.resnet8tiny, teachers=_base_.teachers)

sgd = dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    architecture=dict(optimizer=sgd),
    distiller=dict(optimizer=sgd),
    teacher_weighting=dict(
        optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=0)))
student_schedule = dict(
    type='MultiStepLR', by_epoch=True, begin=0, milestones=[18, 25])
param_scheduler = dict(
    architecture=student_schedule,
    distiller=student_schedule,
    teacher_weighting=dict(
        type='MultiStepLR', by_epoch=True, milestones=[5, 8], end=10))
train_cfg = dict(max_epochs=30)
auto_scale_lr = dict(base_batch_size=64)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=30, max_keep_ckpts=1),
    freeze_adapter=dict(epoch=10),
    hints_phase=dict(
        phases=[dict(begin=10, loss_weights=dict(loss_hint2=0.0))]))

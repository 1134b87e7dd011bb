# Multi-teacher study on the embedded digits, AvgMKD as the official code's
# baseline (_base_/algorithms/avgmkd.py: KD T=5 from the mean teacher
# distribution + the triplet term on stage 2) with the study's 30-epoch
# schedule at batch 64. (docs/results/amtml.json was made with mmslkd's
# earlier recipe: KD 0.7 T^2 batch-mean, angle loss, round-robin hints.)
_base_ = [
    '../_base_/teacher_sets/digits_3teachers.py',
    '../_base_/models/digits/resnet8tiny.py',
    '../_base_/datasets/mnist1k_bs64.py',
    '../_base_/algorithms/avgmkd.py',
]

model = dict(architecture=_base_.resnet8tiny, teachers=_base_.teachers)

optim_wrapper = dict(optimizer=dict(lr=0.05))
param_scheduler = dict(milestones=[18, 25])
train_cfg = dict(max_epochs=30)
auto_scale_lr = dict(base_batch_size=64)
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=30, max_keep_ckpts=1))

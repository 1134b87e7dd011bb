# The CIFAR-100 multi-teacher study's AvgMKD (issue 16): the official
# baseline (_base_/algorithms/avgmkd.py: 0.3 CE + the code's KD (T = 5) from
# the mean of ResNet-8 (full width) and ResNet-20 + the triplet term on
# stage 2, ordered by the last teacher, ResNet-20) -> half-width ResNet-8 on
# 10,000 real CIFAR-100 training images (two teachers: the paper's Fig. 3
# has 2, 3 and 5; two keep the study near 2 hours on 2 cores). The official 200-epoch schedule (lr 0.1,
# batch 128, x0.1 after 100 and 150) compressed to 20 epochs (x0.1 after 10
# and 15).
_base_ = [
    '../_base_/models/cifar/resnet8.py',
    '../_base_/models/cifar/resnet20.py',
    '../_base_/models/cifar/resnet8_half.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/algorithms/avgmkd.py',
]

model = dict(
    architecture=_base_.resnet8_half,
    teachers=dict(
        resnet8=dict(
            model=_base_.resnet8,
            ckpt='checkpoints/cifar100-10k/resnet8_cifar100-10k.pth'),
        resnet20=dict(
            model=_base_.resnet20,
            ckpt='checkpoints/cifar100-10k/resnet20_cifar100-10k.pth')))

train_dataloader = dict(batch_size=128)
param_scheduler = dict(milestones=[10, 15])
train_cfg = dict(max_epochs=20, val_interval=10)
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

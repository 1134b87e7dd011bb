# The CIFAR-100 study's recorded-trajectory SLKD: ResNet-20 -> half-width
# ResNet-8 with SLKD's terms, the fused target replayed epoch by epoch from
# the two SL-Ts recorded by slt-trajectory-record_r20_r8-half_cifar100-10k.py
# (no SL-T is trained here); 10,000 real CIFAR-100 training images, the
# compressed 20-epoch recipe.
_base_ = [
    '../_base_/models/cifar/resnet20.py',
    '../_base_/models/cifar/resnet8_half.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/schedules/cifar100-10k_bs64_20e.py',
    '../_base_/algorithms/trajectory_distill.py',
]

model = dict(
    architecture=_base_.resnet8_half,
    teacher=_base_.resnet20,
    teacher_ckpt='checkpoints/cifar100-10k/resnet20_cifar100-10k.pth',
    trajectory='checkpoints/cifar100-10k/slt-trajectory_r20_cifar100-10k')
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

# The CIFAR-100 ICC study (issue 16): KD from the plain ResNet-14 plus the
# student's ICC mimic loss (_base_/algorithms/kd_icc.py defaults: lambda_S =
# 20, batch matrices) -> half-width ResNet-8.
_base_ = [
    '../_base_/models/cifar/resnet14.py',
    '../_base_/models/cifar/resnet8_half.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/schedules/cifar100-10k_bs64_20e.py',
    '../_base_/algorithms/kd_icc.py',
]

model = dict(
    architecture=_base_.resnet8_half,
    teacher=_base_.resnet14,
    teacher_ckpt='checkpoints/cifar100-10k/resnet14_cifar100-10k.pth')
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

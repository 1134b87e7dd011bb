# Recorded-trajectory SLKD: resnet56 -> resnet8 on CIFAR-100, replaying the
# SL-Ts recorded by slt-trajectory-record_r56_r8_cifar100.py.
_base_ = [
    '../_base_/models/cifar/resnet56.py',
    '../_base_/models/cifar/resnet8.py',
    '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/algorithms/trajectory_distill.py',
]

model = dict(
    architecture=_base_.resnet8,
    teacher=_base_.resnet56,
    teacher_ckpt='checkpoints/cifar100_teachers/resnet56.pth',
    trajectory='work_dirs/slt-trajectory-record_r56_r8_cifar100/trajectory')

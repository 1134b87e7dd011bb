# Recorded-trajectory SLKD: resnet32x4 -> resnet8x4 on CIFAR-100. The student
# learns with SLKD's terms from the teacher and from the two SL-Ts recorded
# by slt-trajectory-record_r32x4_r8x4_cifar100.py, replayed epoch by epoch
# (no SL-T is trained here).
_base_ = [
    '../_base_/models/cifar/resnet32x4.py',
    '../_base_/models/cifar/resnet8x4.py',
    '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/algorithms/trajectory_distill.py',
]

model = dict(
    architecture=_base_.resnet8x4,
    teacher=_base_.resnet32x4,
    teacher_ckpt='checkpoints/cifar100_teachers/resnet32x4.pth',
    trajectory='work_dirs/slt-trajectory-record_r32x4_r8x4_cifar100/'
    'trajectory')

# SLKD: resnet56 -> resnet20 on CIFAR-100 with two self-learning teachers
# of the teacher's architecture (the pair the speed benchmark compares KD,
# SLKD and AMTML-KD on; docs/benchmark.md).
_base_ = [
    '../_base_/models/cifar/resnet56.py',
    '../_base_/models/cifar/resnet20.py',
    '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/algorithms/slkd.py',
]

model = dict(
    architecture=_base_.resnet20,
    teacher=_base_.resnet56,
    teacher_ckpt='checkpoints/cifar100_teachers/resnet56.pth')

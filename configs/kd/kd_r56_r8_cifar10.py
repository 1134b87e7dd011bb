# KD: resnet56 -> resnet8 on CIFAR-10 (0.1 CE + 0.9 KD, T = 4), the CIFAR-100
# recipe of the KD literature. Teacher: configs/teachers/resnet56_cifar10.py.
_base_ = [
    '../_base_/models/cifar/resnet56.py',
    '../_base_/models/cifar/resnet8.py',
    '../_base_/datasets/cifar10_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/algorithms/kd.py',
]

model = dict(
    architecture=_base_.resnet8,
    teacher=_base_.resnet56,
    teacher_ckpt='checkpoints/cifar10_teachers/resnet56.pth')
model['architecture'].head.num_classes = 10
model['teacher'].head.num_classes = 10

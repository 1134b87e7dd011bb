# The CIFAR-100 ICC study (issue 16): KD (0.1 CE + 0.9 KD, T = 4) from the
# expressive ResNet-14 (resnet14-icc_cifar100-10k.py: the teacher is built
# with its ICC head, whose centroids its checkpoint holds) -> half-width
# ResNet-8.
_base_ = [
    './kd_r14_r8-half_cifar100-10k.py', '../_base_/teacher_training/icc.py'
]

model = dict(
    teacher=dict(head=_base_.icc_head),
    teacher_ckpt='checkpoints/cifar100-10k/resnet14-icc_cifar100-10k.pth')

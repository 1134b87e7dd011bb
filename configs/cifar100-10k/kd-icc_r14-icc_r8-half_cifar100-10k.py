# The CIFAR-100 ICC study (issue 16), the method: KD + the ICC mimic loss
# from the expressive ResNet-14 (built with its ICC head) -> half-width
# ResNet-8.
_base_ = [
    './kd-icc_r14_r8-half_cifar100-10k.py',
    '../_base_/teacher_training/icc.py'
]

model = dict(
    teacher=dict(head=_base_.icc_head),
    teacher_ckpt='checkpoints/cifar100-10k/resnet14-icc_cifar100-10k.pth')

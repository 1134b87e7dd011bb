# KD (0.1 CE + 0.9 KD, T = 4) from the plain ResNet-14 -> half-width ResNet-8
# on 10,000 real CIFAR-100 training images, the compressed 20-epoch recipe:
# the baseline row of the expressive-teacher and two-teacher studies (issue
# 16; ResNet-14 teachers keep each study near 2 hours on 2 cores).
_base_ = ['./kd_r20_r8-half_cifar100-10k.py']

model = dict(
    teacher=dict(backbone=dict(arch='resnet14')),
    teacher_ckpt='checkpoints/cifar100-10k/resnet14_cifar100-10k.pth')

# The CIFAR-100 study's KD (0.1 CE + 0.9 KD, T = 4): ResNet-20 -> half-width ResNet-8 on 10,000 real
# CIFAR-100 training images (100 per class), the compressed 20-epoch recipe.
_base_ = [
    '../_base_/models/cifar/resnet20.py',
    '../_base_/models/cifar/resnet8_half.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/schedules/cifar100-10k_bs64_20e.py',
    '../_base_/algorithms/kd.py',
]

model = dict(
    architecture=_base_.resnet8_half,
    teacher=_base_.resnet20,
    teacher_ckpt='checkpoints/cifar100-10k/resnet20_cifar100-10k.pth')
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

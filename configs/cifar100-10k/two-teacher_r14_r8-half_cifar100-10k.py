# The CIFAR-100 two-teacher study (issue 16): strict ResNet-14 -> attention
# transfer at 3 stages, loose ResNet-14 (resnet14-tolerant_cifar100-10k.py)
# -> KD; the student is a half-width ResNet-8 (_base_/algorithms/
# two_teacher.py: 0.1 CE + 0.9 KD (T = 4) + 500 AT per stage), the
# compressed 20-epoch recipe.
_base_ = [
    '../_base_/models/cifar/resnet14.py',
    '../_base_/models/cifar/resnet8_half.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/schedules/cifar100-10k_bs64_20e.py',
    '../_base_/algorithms/two_teacher.py',
]

model = dict(
    architecture=_base_.resnet8_half,
    teachers=dict(
        strict=dict(
            model=_base_.resnet14,
            ckpt='checkpoints/cifar100-10k/resnet14_cifar100-10k.pth'),
        loose=dict(
            model=_base_.resnet14,
            ckpt='checkpoints/cifar100-10k/'
            'resnet14-tolerant_cifar100-10k.pth')))
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

# The study's student alone (no teacher): half-width ResNet-8 on 10,000 real CIFAR-100
# training images (100 per class), the compressed 20-epoch recipe.
_base_ = [
    '../_base_/models/cifar/resnet8_half.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/schedules/cifar100-10k_bs64_20e.py',
    '../_base_/default_runtime.py',
]

model = _base_.resnet8_half
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

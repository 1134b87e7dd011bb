# Teacher of the CIFAR-100 SLKD study: ResNet-20 on 10,000 real CIFAR-100
# training images (100 per class), the compressed 20-epoch recipe.
_base_ = [
    '../_base_/models/cifar/resnet20.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/schedules/cifar100-10k_bs64_20e.py',
    '../_base_/default_runtime.py',
]

model = _base_.resnet20
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

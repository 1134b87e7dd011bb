# A teacher of the CIFAR-100 multi-teacher study (issue 16): ResNet-14 on
# 10,000 real CIFAR-100 training images (100 per class), the compressed
# 20-epoch recipe of resnet20_cifar100-10k.py.
_base_ = [
    '../_base_/models/cifar/resnet14.py',
    '../_base_/datasets/cifar100-10k_bs64.py',
    '../_base_/schedules/cifar100-10k_bs64_20e.py',
    '../_base_/default_runtime.py',
]

model = _base_.resnet14
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=10, max_keep_ckpts=1))

# The loose (tolerant) teacher of the CIFAR-100 two-teacher study (issue 16):
# ResNet-14 trained as resnet14_cifar100-10k.py with the tolerant term at its
# default (_base_/teacher_training/tolerant.py: on probabilities, K = 5, the
# eta chosen by the eta grid, resnet14-tolerant-eta*_cifar100-10k.py).
_base_ = [
    './resnet14_cifar100-10k.py', '../_base_/teacher_training/tolerant.py'
]

model = dict(head=_base_.tolerant_head)

# A loose (tolerant) teacher of the CIFAR-100 two-teacher study (issue 16):
# ResNet-14 trained as resnet14_cifar100-10k.py with the tolerant term on
# probabilities, CE + 1.5 (p_a1 - mean(p_a2..p_a5))
# (_base_/teacher_training/tolerant.py with eta = 1.5).
_base_ = [
    './resnet14_cifar100-10k.py', '../_base_/teacher_training/tolerant.py'
]

model = dict(head=dict(loss={**_base_.tolerant_head.loss, 'eta': 1.5}))

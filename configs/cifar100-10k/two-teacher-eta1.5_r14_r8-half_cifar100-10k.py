# The eta grid of the CIFAR-100 two-teacher study (issue 16): the two-teacher
# student of two-teacher_r14_r8-half_cifar100-10k.py with the loose teacher
# trained at eta = 1.5 (resnet14-tolerant-eta1.5_cifar100-10k.py).
_base_ = ['./two-teacher_r14_r8-half_cifar100-10k.py']

model = dict(
    teachers=dict(
        loose=dict(
            ckpt='checkpoints/cifar100-10k/'
            'resnet14-tolerant-eta1.5_cifar100-10k.pth')))

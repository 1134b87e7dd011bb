# The CIFAR-100 two-teacher study (issue 16): KD (0.1 CE + 0.9 KD, T = 4)
# from the loose ResNet-14 alone (resnet14-tolerant_cifar100-10k.py) ->
# half-width ResNet-8.
_base_ = ['./kd_r14_r8-half_cifar100-10k.py']

model = dict(
    teacher_ckpt='checkpoints/cifar100-10k/resnet14-tolerant_cifar100-10k.pth')

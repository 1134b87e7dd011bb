# The CIFAR-100 study's teacher-trajectory KD (route-constrained, after Jin
# et al., ICCV 2019): ResNet-20 -> half-width ResNet-8 with SLKD's terms,
# where the fused target is the teacher's own weights at the same epoch of
# its training (recorded by resnet20-trajectory-record_cifar100-10k.py,
# whose last epoch is also this row's teacher).
_base_ = ['./slt-trajectory_r20_r8-half_cifar100-10k.py']

model = dict(
    teacher_ckpt='checkpoints/cifar100-10k/'
    'resnet20-trajectory_cifar100-10k.pth',
    trajectory='checkpoints/cifar100-10k/resnet20-trajectory_cifar100-10k')

# Teacher-trajectory KD (route-constrained, after Jin et al., ICCV 2019):
# resnet56 -> resnet8 on CIFAR-100, following the teacher's training as
# recorded by resnet56-trajectory-record_cifar100.py.
_base_ = ['./slt-trajectory_r56_r8_cifar100.py']

model = dict(
    teacher_ckpt='checkpoints/cifar100_teachers/resnet56-trajectory.pth',
    trajectory='work_dirs/resnet56-trajectory-record_cifar100/trajectory')

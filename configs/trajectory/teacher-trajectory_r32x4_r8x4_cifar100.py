# Teacher-trajectory KD (route-constrained, after Jin et al., ICCV 2019):
# resnet32x4 -> resnet8x4 on CIFAR-100 with SLKD's terms, where the fused
# target is the teacher's own weights at the same epoch of its training
# (recorded by resnet32x4-trajectory-record_cifar100.py) instead of SL-Ts.
# No network but the student is trained. Only the route, as in RCO:
# --cfg-options model.kd_weight=0.
_base_ = ['./slt-trajectory_r32x4_r8x4_cifar100.py']

model = dict(
    teacher_ckpt='checkpoints/cifar100_teachers/resnet32x4-trajectory.pth',
    trajectory='work_dirs/resnet32x4-trajectory-record_cifar100/trajectory')

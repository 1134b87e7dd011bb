# Trains the resnet32x4 teacher (configs/teachers/resnet32x4_cifar100.py)
# and records its weights after every epoch (and at initialisation) into
# work_dirs/resnet32x4-trajectory-record_cifar100/trajectory, the route a
# student follows in teacher-trajectory_r32x4_r8x4_cifar100.py:
# 241 records x 29.8 MB = 7.2 GB. Publish the teacher from its last epoch:
#   python tools/model_converters/publish_model.py \
#       work_dirs/resnet32x4-trajectory-record_cifar100/epoch_240.pth \
#       checkpoints/cifar100_teachers/resnet32x4-trajectory.pth
_base_ = ['../teachers/resnet32x4_cifar100.py']

custom_hooks = [dict(type='TrajectoryRecorderHook', interval=1)]

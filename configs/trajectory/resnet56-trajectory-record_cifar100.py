# Trains the resnet56 teacher (configs/teachers/resnet56_cifar100.py) and
# records its weights after every epoch (and at initialisation) into
# work_dirs/resnet56-trajectory-record_cifar100/trajectory:
# 241 records x 3.6 MB = 0.86 GB. Publish the teacher from its last epoch:
#   python tools/model_converters/publish_model.py \
#       work_dirs/resnet56-trajectory-record_cifar100/epoch_240.pth \
#       checkpoints/cifar100_teachers/resnet56-trajectory.pth
_base_ = ['../teachers/resnet56_cifar100.py']

custom_hooks = [dict(type='TrajectoryRecorderHook', interval=1)]

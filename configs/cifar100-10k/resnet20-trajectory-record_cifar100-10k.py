# Trains a ResNet-20 teacher with the study's recipe
# (resnet20_cifar100-10k.py) and records its weights at initialisation and
# after every epoch into
# checkpoints/cifar100-10k/resnet20-trajectory_cifar100-10k
# (21 records x 1.1 MB = 23 MB, measured), the route of the teacher-trajectory row;
# the study publishes its last epoch as
# checkpoints/cifar100-10k/resnet20-trajectory_cifar100-10k.pth.
_base_ = ['./resnet20_cifar100-10k.py']

custom_hooks = [
    dict(
        type='TrajectoryRecorderHook',
        interval=1,
        out_dir='checkpoints/cifar100-10k/resnet20-trajectory_cifar100-10k')
]

# Student from scratch: ShuffleNetV2-0.5 on Tiny ImageNet (64x64, CIFAR
# stem), the baseline of the expressive-teacher configs on Tiny ImageNet.
_base_ = [
    '../_base_/models/cifar/shufflev2_0_5.py',
    '../_base_/datasets/tinyimagenet_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/default_runtime.py',
]

model = _base_.shufflev2_0_5
model.head.num_classes = 200
optim_wrapper = dict(optimizer=dict(lr=0.01))
# the CIFAR-stem networks run at 64x64 on purpose
default_hooks = dict(input_size_check=dict(input_size=64))

# Expressive teacher on Tiny ImageNet: ShuffleNetV2-1.0 (CIFAR stem, 64x64)
# trained with the inter-class correlation regulariser
# (_base_/teacher_training/icc.py), batch 128 as the CIFAR-100 ICC teacher
# (a more stable batch ICC) with lr scaled linearly to 0.02. Publish it to
# checkpoints/tinyimagenet_teachers/shufflev2_icc.pth.
_base_ = [
    '../_base_/models/cifar/shufflev2.py',
    '../_base_/datasets/tinyimagenet_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/default_runtime.py',
    '../_base_/teacher_training/icc.py',
]

model = _base_.shufflev2
model.head.update(_base_.icc_head)
model.head.num_classes = 200
train_dataloader = dict(batch_size=128)
optim_wrapper = dict(optimizer=dict(lr=0.02))
# the CIFAR-stem networks run at 64x64 on purpose
default_hooks = dict(input_size_check=dict(input_size=64))

# The plain ShuffleNetV2-1.0 teacher of the expressive-teacher paper's Tiny
# ImageNet pair (Tan et al., KBS 2021: ShuffleNetV2-1.0 -> 0.5, 42.63 % top-1
# error), with the CIFAR-stem zoo network at 64x64 input and the CIFAR
# recipe for ShuffleNets (SGD lr 0.01, 240 epochs, batch 64): the paper's
# Tiny ImageNet schedule is not in the text we have, so this is our choice.
# Publish it for the distillation configs:
#   python tools/model_converters/publish_model.py \
#       work_dirs/shufflev2_tinyimagenet/best_accuracy_top1_epoch_*.pth \
#       checkpoints/tinyimagenet_teachers/shufflev2.pth
_base_ = [
    '../_base_/models/cifar/shufflev2.py',
    '../_base_/datasets/tinyimagenet_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/default_runtime.py',
]

model = _base_.shufflev2
model.head.num_classes = 200
optim_wrapper = dict(optimizer=dict(lr=0.01))
# the CIFAR-stem networks run at 64x64 on purpose
default_hooks = dict(input_size_check=dict(input_size=64))

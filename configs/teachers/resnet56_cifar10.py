# Teacher: resnet56 on CIFAR-10 with the CIFAR recipe of the KD literature
# (SGD lr 0.05, 240 epochs, batch 64). The CIFAR-10 distillation configs read
# its weights from checkpoints/cifar10_teachers/resnet56.pth; publish the
# best checkpoint:
#   python tools/model_converters/publish_model.py \
#       work_dirs/resnet56_cifar10/best_accuracy_top1_epoch_*.pth \
#       checkpoints/cifar10_teachers/resnet56.pth
_base_ = [
    '../_base_/models/cifar/resnet56.py',
    '../_base_/datasets/cifar10_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/default_runtime.py',
]

model = _base_.resnet56
model.head.num_classes = 10

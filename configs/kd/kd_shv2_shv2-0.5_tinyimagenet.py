# KD: ShuffleNetV2-1.0 -> ShuffleNetV2-0.5 on Tiny ImageNet (CIFAR stems at
# 64x64), the baseline of the expressive-teacher paper's Tiny ImageNet pair.
# Teacher: configs/teachers/shufflev2_tinyimagenet.py, published to
# checkpoints/tinyimagenet_teachers/shufflev2.pth.
_base_ = [
    '../_base_/models/cifar/shufflev2.py',
    '../_base_/models/cifar/shufflev2_0_5.py',
    '../_base_/datasets/tinyimagenet_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/algorithms/kd.py',
]

model = dict(
    architecture=_base_.shufflev2_0_5,
    teacher=_base_.shufflev2,
    teacher_ckpt='checkpoints/tinyimagenet_teachers/shufflev2.pth')
model['architecture'].head.num_classes = 200
model['teacher'].head.num_classes = 200

# ShuffleNet students use lr 0.01 (CRD / mdistiller)
optim_wrapper = dict(optimizer=dict(lr=0.01))
# the CIFAR-stem networks run at 64x64 on purpose
default_hooks = dict(input_size_check=dict(input_size=64))

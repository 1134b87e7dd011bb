# The expressive-teacher method on Tiny ImageNet, the paper's pair (Tan et
# al., KBS 2021: 42.63 % top-1 error): KD plus the ICC mimic loss from the
# ICC-regularised ShuffleNetV2-1.0 (icc/shufflev2-icc_tinyimagenet.py) to
# ShuffleNetV2-0.5, CIFAR stems at 64x64. The teacher is built from its
# training config, so its checkpoint (with the head's class centroids) loads
# strictly.
_base_ = [
    '../_base_/models/cifar/shufflev2_0_5.py',
    '../_base_/datasets/tinyimagenet_bs64.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/algorithms/kd_icc.py',
]

model = dict(
    architecture=_base_.shufflev2_0_5,
    teacher=dict(
        cfg_path='mmslkd::icc/shufflev2-icc_tinyimagenet.py',
        pretrained=False),
    teacher_ckpt='checkpoints/tinyimagenet_teachers/shufflev2_icc.pth')
model['architecture'].head.num_classes = 200

# ShuffleNet students use lr 0.01 (CRD / mdistiller)
optim_wrapper = dict(optimizer=dict(lr=0.01))
# the CIFAR-stem networks run at 64x64 on purpose
default_hooks = dict(input_size_check=dict(input_size=64))

# SLKD resnet32x4 -> resnet8x4 with every GPU fast path on: the dataset held
# on the device with batched crop/flip/normalisation, bfloat16 AMP (losses
# stay float32), channels-last networks and cudnn autotuning. The same
# method and recipe as slkd_r32x4_r8x4_cifar100.py. Optional on top:
# custom_hooks += [dict(type='CompileModulesHook',
#                       modules=['architecture', 'self_learning_teachers'])]
# and model.ensemble = dict(type='BatchedClassifierEnsemble').
# AmpOptimWrapper needs an accelerator (MMEngine refuses it on CPU).
_base_ = [
    '../_base_/models/cifar/resnet32x4.py',
    '../_base_/models/cifar/resnet8x4.py',
    '../_base_/datasets/cifar100_bs64_device.py',
    '../_base_/schedules/cifar100_bs64_240e.py',
    '../_base_/algorithms/slkd.py',
]

model = dict(
    architecture=_base_.resnet8x4,
    teacher=_base_.resnet32x4,
    teacher_ckpt='checkpoints/cifar100_teachers/resnet32x4.pth')

optim_wrapper = dict(type='AmpOptimWrapper', dtype='bfloat16')
env_cfg = dict(cudnn_benchmark=True)
custom_hooks = [dict(type='ChannelsLastHook')]

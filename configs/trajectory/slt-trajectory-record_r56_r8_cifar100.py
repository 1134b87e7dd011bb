# Records the SL-T trajectory of the resnet56 teacher on CIFAR-100 (as
# slt-trajectory-record_r32x4_r8x4_cifar100.py; the student trained
# alongside is a vanilla KD resnet8): 241 records x 2 x 3.6 MB = 1.7 GB.
_base_ = ['../slkd/slkd_r56_r8_cifar100.py']

model = dict(process_weight=0.0)
custom_hooks = [dict(type='TrajectoryRecorderHook', interval=1)]

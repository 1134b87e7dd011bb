# Records the self-learning-teacher (SL-T) trajectory of the resnet32x4
# teacher on CIFAR-100, once, for any number of replaying student runs
# (slt-trajectory_r32x4_r8x4_cifar100.py). The SL-Ts learn exactly as in
# SLKD (two resnet32x4, independent random inits, 0.1 CE + 0.9 KD(T=4) from
# the teacher, same batches, the 240-epoch recipe); process_weight=0 keeps
# the student's term away from them, so the student trained alongside is a
# vanilla KD student (SLKD's Table 7 "T only"). The SL-Ts' weights are saved
# after every epoch (and at initialisation) into
# work_dirs/slt-trajectory-record_r32x4_r8x4_cifar100/trajectory:
# 241 records x 2 x 29.8 MB = 14.4 GB (interval=5: 49 records, 2.9 GB).
_base_ = ['../slkd/slkd-teacher-only_r32x4_r8x4_cifar100.py']

custom_hooks = [dict(type='TrajectoryRecorderHook', interval=1)]

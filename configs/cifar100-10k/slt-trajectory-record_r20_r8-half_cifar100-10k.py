# Records, once, the self-learning-teacher (SL-T) trajectory of the study's
# ResNet-20 teacher for the recorded-trajectory row: two ResNet-20 SL-Ts
# learn exactly as in SLKD (0.1 CE + 0.9 KD(T=4) from the teacher, same
# batches, the 20-epoch recipe); process_weight=0 keeps the student's term
# away from them (the half-width ResNet-8 trained alongside is a KD
# student). Their weights at initialisation and after every epoch go to
# checkpoints/cifar100-10k/slt-trajectory_r20_cifar100-10k
# (21 records x 2 x 1.1 MB = 46 MB, measured).
_base_ = ['./slkd_r20_r8-half_cifar100-10k.py']

model = dict(process_weight=0.0)
custom_hooks = [
    dict(
        type='TrajectoryRecorderHook',
        interval=1,
        out_dir='checkpoints/cifar100-10k/slt-trajectory_r20_cifar100-10k')
]

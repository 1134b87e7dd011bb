# Control for the study's teacher-trajectory row: plain KD (0.1 CE + 0.9 KD,
# T = 4) from the ResNet-20 whose training was recorded
# (resnet20-trajectory-record_cifar100-10k.py, its last epoch published),
# i.e. the teacher-trajectory row's own final teacher without its route.
# That teacher is another training run of the study's recipe, so KD from it
# differs from the study's KD row by the teacher alone.
_base_ = ['./kd_r20_r8-half_cifar100-10k.py']

model = dict(
    teacher_ckpt='checkpoints/cifar100-10k/'
    'resnet20-trajectory_cifar100-10k.pth')

# The CIFAR-100 multi-teacher study's single-teacher row (issue 16): KD from
# ResNet-20, the more accurate of the two teachers, as the official code's
# original_KD (0.3 CE + 0.7 * 2 T^2 nn.KLDivLoss(), T = 5; no triplet), with
# the AvgMKD config's schedule.
_base_ = ['./avgmkd_r8+r20_r8-half_cifar100-10k.py']

model = dict(
    teachers=dict(_delete_=True, resnet20=_base_.model.teachers.resnet20),
    distiller=dict(
        distill_losses=dict(
            _delete_=True,
            loss_kd=_base_.model.distiller.distill_losses.loss_kd),
        loss_forward_mappings=dict(
            _delete_=True,
            loss_kd=_base_.model.distiller.loss_forward_mappings.loss_kd)))

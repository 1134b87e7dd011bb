# Multi-teacher study on the embedded digits, one teacher (resnet20): the
# single-teacher KD baseline, the official code's original_KD (the KD of
# _base_/algorithms/multi_teacher.py, no triplet term) with the AvgMKD
# config's schedule.
_base_ = ['./avgmkd_r20+vgg8+wrn16-2_r8tiny_mnist1k.py']

model = dict(
    teachers=dict(_delete_=True, resnet20=_base_.teachers.resnet20),
    distiller=dict(
        distill_losses=dict(
            _delete_=True, loss_kd=_base_.model.distiller.distill_losses.loss_kd),
        loss_forward_mappings=dict(
            _delete_=True,
            loss_kd=_base_.model.distiller.loss_forward_mappings.loss_kd)))

# Multi-teacher study on the embedded digits, one teacher (vgg8): the
# single-teacher KD baseline (see mtkd_r20_r8tiny_mnist1k.py).
_base_ = ['./mtkd_r20_r8tiny_mnist1k.py']

model = dict(teachers=dict(_delete_=True, vgg8=_base_.teachers.vgg8))

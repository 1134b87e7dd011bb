# Multi-teacher study on the embedded digits, one teacher (wrn_16_2): the
# single-teacher KD baseline (see mtkd_r20_r8tiny_mnist1k.py).
_base_ = ['./mtkd_r20_r8tiny_mnist1k.py']

model = dict(teachers=dict(_delete_=True, wrn_16_2=_base_.teachers.wrn_16_2))

# Loose (tolerant) teacher of the two-teacher framework: WRN-40-2 on
# CIFAR-100 trained with Yang et al.'s tolerant-teacher term (spec A.2):
#   CE + 0.6 (p_a1 - mean(p_a2..p_a5)),   p = softmax(z),
# a1..a5 the five most probable classes of a sample: minimising the gap lets
# a few secondary classes emerge, so the teacher's outputs are less peaked
# (it is expected to be a little less accurate). The strict teacher is the plain
# recipe, configs/teachers/wrn_40_2_cifar100.py. Publish this one for the
# two-teacher configs:
#   python tools/model_converters/publish_model.py \
#       work_dirs/wrn_40_2-tolerant_cifar100/best_accuracy_top1_epoch_*.pth \
#       checkpoints/cifar100_teachers/wrn_40_2_tolerant.pth
_base_ = [
    '../teachers/wrn_40_2_cifar100.py',
    '../_base_/teacher_training/tolerant.py'
]

model = dict(head=_base_.tolerant_head)

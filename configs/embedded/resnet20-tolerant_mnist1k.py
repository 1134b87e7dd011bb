# Loose teacher of the embedded-data study: ResNet-20 on 1,000 MNIST digits
# with the tolerant-teacher term (eta = 0.6, K = 5), otherwise as
# resnet20_mnist1k.py (the strict teacher). The gap is on logits
# (score='logits'), as when the README's digits table was measured; the
# default is now score='probs' (issue 16, docs/two_teacher.md).
_base_ = ['./resnet20_mnist1k.py', '../_base_/teacher_training/tolerant.py']

model = dict(head=dict(loss=dict(_base_.tolerant_head.loss, score='logits')))

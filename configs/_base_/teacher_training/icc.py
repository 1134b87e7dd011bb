# The expressive teacher's head (Tan et al., KBS 2021; spec B.2 [C]): the
# classification loss plus the feature-grounded ICC regulariser,
#   lambda_T (1 - Pearson(offdiag(R_T), offdiag(S_F))),   lambda_T = 1,
# R_T the batch ICC of softmax(z/4), S_F the cosine similarity of EMA
# (momentum 0.9) class centroids of the penultimate features (kept in the
# head, saved in checkpoints). lambda_T = 1 makes the term ~21% of the CE at
# initialisation and ~15% at the end of training (CIFAR-100 ResNet-20,
# measured, docs/expressive_teacher.md); 0.5 gave 11% / 7%.
# A teacher config merges it into its head:
#   model = dict(head=_base_.icc_head)
icc_head = dict(
    type='mmslkd.ICCRegularizedClsHead',
    regularizer=dict(
        type='FeatureGroundedICCRegularizer',
        tau=4,
        momentum=0.9,
        loss_weight=1.0))

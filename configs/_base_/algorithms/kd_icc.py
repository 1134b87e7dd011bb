# KD plus the expressive-teacher paper's ICC mimic loss (Tan et al., KBS
# 2021; spec multi_teacher_methods.md B.2, reconstructed [C]):
#   0.1 CE + 0.9 T^2 KL(softmax(z_t/T) || softmax(z_s/T))
#   + 20 ||R_S - R_T||_F^2 / C^2,   T = 4,
# R the batch Pearson correlation between class columns of softmax(z/T).
# lambda_S = 20 follows the spec's rule (the ICC term about 0.3-1x the KD
# term at initialisation), measured on CIFAR-100 (ResNet-20 -> half-width
# ResNet-8, batch 64, tools/analysis_tools/icc_batch_noise.py): the term is
# 0.025x KD per unit of lambda_S at initialisation and 0.034x after 200 KD
# steps, so 20 gives 0.50x and 0.67x (the earlier 10 gave 0.25x / 0.34x).
# Batch matrices have rank <= B - 1 and a 38% (B = 64) / 26% (B = 128)
# error against the data's; target_momentum=0.9 with student_momentum=0.9
# (and num_classes) averages both over batches (8% / 5%). The scale-free
# alternative is variant='row_cosine' with loss_weight 1-2.
# A leaf config sets `architecture`, `teacher` and `teacher_ckpt`; with an
# expressive teacher, `teacher` is its training config's model
# (dict(cfg_path='mmslkd::icc/...', pretrained=False)).
_base_ = ['./kd.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_icc=dict(
                type='InterClassCorrelationLoss',
                tau=4,
                variant='frobenius',
                loss_weight=20.0)),
        loss_forward_mappings=dict(
            loss_icc=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))

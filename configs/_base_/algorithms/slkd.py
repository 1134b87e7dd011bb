# SLKD with the official CIFAR-100 settings (BrilliantCheng/SLKD, TECH_KD
# defaults; spec slkd.md section 0):
#   student: 0.1 CE + 0.9 KD(s <- t) + 1.0 (1.0 CE + 1.0 KD(s <- fused SL-T))
#   SL-T i:  0.1 CE + 0.9 KD(SL-T i <- t)
# with T = 4 for every KD term, 2 self-learning teachers (SL-Ts) of the
# teacher's architecture, fused on logits with weights 0.5 / 0.5, the fused
# target not detached (the student's term also trains the SL-Ts), and one
# joint backward per iteration. A leaf config sets `architecture`, `teacher`
# and `teacher_ckpt`.
# SL-T learning rate / weight decay relative to the student's (official:
# equal): optim_wrapper.paramwise_cfg.custom_keys.self_learning_teachers =
# dict(lr_mult=..., decay_mult=...).
_base_ = ['../default_runtime.py']

model = dict(
    type='SelfLearningTeacherDistill',
    architecture=dict(),
    teacher=dict(),
    # required: the leaf sets the teacher's checkpoint (None is an error;
    # 'random' opts in to a randomly initialised teacher, for tests)
    teacher_ckpt=None,
    self_learning_teacher=None,  # None: the teacher's config
    num_self_learning_teachers=2,
    fusion_weights=None,  # None: equal weights
    detach_fused_target=False,
    teacher_loss=dict(type='KLDivergence', tau=4, reduction='batchmean'),
    self_learning_teacher_loss=dict(
        type='KLDivergence', tau=4, reduction='batchmean'),
    fused_loss=dict(type='KLDivergence', tau=4, reduction='batchmean'),
    ce_weight=0.1,
    kd_weight=0.9,
    process_weight=1.0,
    ce_weight_cs=1.0,
    kd_weight_cs=1.0,
    self_learning_teacher_ce_weight=0.1,
    self_learning_teacher_kd_weight=0.9,
    training_mode='parallel')

# validates the student, each SL-T, the fused SL-T and (once) the teacher
val_cfg = dict(_delete_=True, type='DistillValLoop')

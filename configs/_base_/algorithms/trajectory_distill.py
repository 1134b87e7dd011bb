# Recorded-trajectory distillation (mmslkd's extension of SLKD, issue 17):
# the student learns with SLKD's terms and weights,
#   0.1 CE + 0.9 KD(s <- t) + 1.0 (1.0 CE + 1.0 KD(s <- fused trajectory)),
# T = 4, where the fused target comes from networks recorded once
# (TrajectoryRecorderHook) and replayed: in epoch e, the weights recorded at
# the end of epoch r(e) = the latest recorded epoch <= e, in eval mode under
# inference mode, fused on logits with equal weights. A leaf config sets
# `architecture`, `teacher`, `teacher_ckpt` and `trajectory`.
_base_ = ['../default_runtime.py']

model = dict(
    type='TrajectoryDistill',
    architecture=dict(),
    teacher=dict(),
    teacher_ckpt=None,
    trajectory=None,  # the recording run's work_dir/trajectory
    trajectory_network=None,  # None: the teacher's config
    fusion_weights=None,  # None: equal weights
    teacher_loss=dict(type='KLDivergence', tau=4, reduction='batchmean'),
    fused_loss=dict(type='KLDivergence', tau=4, reduction='batchmean'),
    ce_weight=0.1,
    kd_weight=0.9,
    process_weight=1.0,
    ce_weight_cs=1.0,
    kd_weight_cs=1.0,
    strict_schedule=True)

# refuse a trajectory of another teacher, architecture, class count or a
# shorter schedule before training starts
default_hooks = dict(trajectory_check=dict(type='TrajectoryCheckHook'))

# validates the student, each replayed network, their fusion and (once) the
# teacher
val_cfg = dict(_delete_=True, type='DistillValLoop')

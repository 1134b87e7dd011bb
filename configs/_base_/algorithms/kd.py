# Vanilla KD (Hinton et al.) as mdistiller's KD.py, through MMRazor:
#   0.1 * CE(student, y) + 0.9 * T^2 * KL(softmax(z_t/T) || softmax(z_s/T)),
# T = 4, KL summed over classes and averaged over the batch ('batchmean').
# A leaf config sets `architecture`, `teacher` and `teacher_ckpt`.
_base_ = ['../default_runtime.py']

model = dict(
    type='SingleTeacherDistill',
    # the student's own CE term gets weight 0.1
    architecture=dict(
        head=dict(loss=dict(type='CrossEntropyLoss', loss_weight=0.1))),
    teacher=dict(),
    # required: the leaf sets the teacher's checkpoint (None is an error;
    # 'random' opts in to a randomly initialised teacher, for tests)
    teacher_ckpt=None,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(
                type='KLDivergence',
                tau=4,
                loss_weight=0.9,
                reduction='batchmean')),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))

# validate the student and (once is enough, but MMRazor's loop does it each
# time) the teacher
val_cfg = dict(_delete_=True, type='SingleTeacherDistillValLoop')

# AvgMKD, the uniform-average baseline of the official AMTML-KD code
# (FLHonker/AMTML-KD-code, multi_teacher_avg_distill.ipynb): the KD of
# multi_teacher.py from the mean teacher distribution, plus
#   1.0 TripletMarginLoss(margin 0.2) on the student's stage-2 maps,
# B random triplets per batch whose positive the last teacher's stage-2 map
# picks (TeacherOrderedTripletLoss: the notebook's smallest_conflict_teacher
# always returns the last teacher, and its tensor swap collapses a reordered
# triplet to (a, j, j); both kept as coded). No angle loss, no hints, no
# adapter; 200 epochs.
_base_ = ['./multi_teacher.py', '../schedules/multi_teacher_bs128_200e.py']

model = dict(
    distiller=dict(
        # stage 2: layer2 of a CIFAR ResNet (the notebook's b2)
        student_recorders=dict(stage2=dict(type='ModuleOutputs', stage=2)),
        teacher_recorders=dict(stage2=dict(type='ModuleOutputs', stage=2)),
        distill_losses=dict(
            loss_triplet=dict(
                type='TeacherOrderedTripletLoss', margin=0.2,
                loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_triplet=dict(
                s_feature=dict(from_student=True, recorder='stage2'),
                t_feature=dict(
                    from_student=False, recorder='stage2', teacher=-1)))))

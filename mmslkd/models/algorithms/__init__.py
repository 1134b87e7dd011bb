# Copyright (c) mmslkd contributors. All rights reserved.
from .multi_teacher_distill import MultiTeacherDistill
from .self_learning_teacher_distill import SelfLearningTeacherDistill
from .trajectory_distill import TrajectoryDistill

__all__ = [
    'SelfLearningTeacherDistill', 'MultiTeacherDistill', 'TrajectoryDistill'
]

# Copyright (c) mmslkd contributors. All rights reserved.
from .icc_regularizer import (FeatureGroundedICCRegularizer,
                              SpreadICCRegularizer)
from .inter_class_correlation import (InterClassCorrelationLoss,
                                      inter_class_correlation)
from .multi_teacher_kd import MultiTeacherKDLoss, integrated_target
from .normalized_hint import NormalizedHintLoss
from .relational import (MultiTeacherAngleLoss, MultiTeacherDistanceLoss,
                         rkd_angle, rkd_distance)
from .teacher_ordered_triplet import TeacherOrderedTripletLoss, sample_triplets
from .temperature_cross_entropy import TemperatureCrossEntropyLoss
from .tolerant_cross_entropy import TolerantCrossEntropyLoss, top_k_gap

__all__ = [
    'MultiTeacherKDLoss', 'integrated_target', 'MultiTeacherAngleLoss',
    'MultiTeacherDistanceLoss', 'rkd_angle', 'rkd_distance',
    'NormalizedHintLoss', 'InterClassCorrelationLoss',
    'inter_class_correlation', 'FeatureGroundedICCRegularizer',
    'SpreadICCRegularizer', 'TolerantCrossEntropyLoss', 'top_k_gap',
    'TeacherOrderedTripletLoss', 'sample_triplets',
    'TemperatureCrossEntropyLoss'
]

# Copyright (c) mmslkd contributors. All rights reserved.
from .batched_classifier_ensemble import BatchedClassifierEnsemble
from .classifier_ensemble import ClassifierEnsemble
from .precision import (detach_inference, float32_losses, teacher_context,
                        to_float32)

__all__ = [
    'BatchedClassifierEnsemble', 'ClassifierEnsemble', 'detach_inference',
    'float32_losses', 'teacher_context', 'to_float32'
]

# Copyright (c) mmslkd contributors. All rights reserved.
from .batched_classifier_ensemble import BatchedClassifierEnsemble
from .classifier_ensemble import ClassifierEnsemble
from .precision import (clone_inference_tensors, float32_losses,
                        teacher_context, to_float32)

__all__ = [
    'BatchedClassifierEnsemble', 'ClassifierEnsemble',
    'clone_inference_tensors', 'float32_losses', 'teacher_context',
    'to_float32'
]

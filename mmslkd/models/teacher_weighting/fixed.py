# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Sequence

import torch

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_weights
from .base import BaseTeacherWeighting


@MODELS.register_module()
class FixedTeacherWeighting(BaseTeacherWeighting):
    """Configured weights, the same for every instance.

    Args:
        weights (Sequence[float]): One non-negative weight per teacher, in
            the order of the algorithm's ``teachers``; they must sum to 1.
        num_teachers (int): K, set by the algorithm.
    """

    def __init__(self, weights: Sequence[float], num_teachers: int,
                 **kwargs) -> None:
        super().__init__(num_teachers=num_teachers, **kwargs)
        weights = check_weights('weights', weights, type(self).__name__)
        if weights.numel() != num_teachers:
            raise ValueError(f'FixedTeacherWeighting got {weights.numel()} '
                             f'weights for {num_teachers} teachers; give one '
                             'weight per teacher, in the order of '
                             '`teachers` (two teachers with the same name in '
                             'a dict literal keep only the last one).')
        check_weights('weights', weights, type(self).__name__, sum_to_one=True)
        self.register_buffer('weights', weights, persistent=False)

    def compute_weights(self, teacher_logits: torch.Tensor) -> torch.Tensor:
        """Args: teacher_logits (Tensor): (K, B, C). Returns: (B, K)."""
        self._check_teachers(teacher_logits)
        batch = teacher_logits.shape[1]
        return self.weights.to(teacher_logits).expand(batch, -1)

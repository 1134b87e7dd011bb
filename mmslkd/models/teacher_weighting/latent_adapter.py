# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_number
from .base import BaseTeacherWeighting


@MODELS.register_module()
class LatentAdapterWeighting(BaseTeacherWeighting):
    """AMTML-KD's adapter (Liu, Zhang and Wang, Neurocomputing 2020): teacher
    weights from learned teacher latent representations.

    Each teacher k has a learnable latent vector ``theta_k`` and one vector
    ``w`` is shared; from the student's pooled feature ``beta(x)`` the score
    of teacher k is ``s_k(x) = w^T (theta_k * beta(x))`` and the weights are
    ``softmax_k(s_k(x))``. As in the official code (``Adapter`` of
    ``LR_adaptive_learning.ipynb``): ``theta`` and ``w`` start from N(0, 1)
    drawn with seed 1, the student feature is not detached (the weights'
    gradient also reaches the student), and while the adapter learns an L2
    penalty ``l2_weight * (|w|^2 + sum_k |theta_k|^2)`` is added. Once its
    parameters stop requiring gradient (``FreezeModulesHook``), the penalty
    is dropped.

    Args:
        num_teachers (int): K, set by the algorithm.
        in_channels (int): Dimension of ``beta(x)``; the algorithm sets it to
            the student head's input width when omitted.
        l2_weight (float): Coefficient of the penalty. Defaults to 0.1.
        init_seed (int, optional): Seed of the N(0, 1) initialisation;
            None draws from the global generator. Defaults to 1.
        detach_student_feature (bool): Stop the weights' gradient at the
            student. Defaults to False (official).
    """

    def __init__(self,
                 num_teachers: int,
                 in_channels: int,
                 l2_weight: float = 0.1,
                 init_seed: Optional[int] = 1,
                 detach_student_feature: bool = False,
                 **kwargs) -> None:
        super().__init__(num_teachers=num_teachers, **kwargs)
        generator = None
        if init_seed is not None:
            generator = torch.Generator().manual_seed(init_seed)
        self.theta = nn.Parameter(
            torch.randn(num_teachers, in_channels, generator=generator))
        self.w = nn.Parameter(torch.randn(in_channels, generator=generator))
        self.l2_weight = check_number(
            'l2_weight', l2_weight, type(self).__name__, non_negative=True)
        self.detach_student_feature = detach_student_feature

    def compute_weights(self, teacher_logits: torch.Tensor,
                        student_feature: torch.Tensor) -> torch.Tensor:
        """Args: teacher_logits (Tensor): (K, B, C); student_feature
        (Tensor): (B, D). Returns: (B, K)."""
        self._check_teachers(teacher_logits)
        beta = student_feature.flatten(1)
        if self.detach_student_feature:
            beta = beta.detach()
        if beta.shape[1] != self.theta.shape[1]:
            raise ValueError(
                f'LatentAdapterWeighting has in_channels='
                f'{self.theta.shape[1]} but the student feature has '
                f'{beta.shape[1]} channels.')
        scores = beta @ (self.theta * self.w).t()  # (B, K)
        return F.softmax(scores, dim=1)

    def regularization(self) -> Dict[str, torch.Tensor]:
        """The L2 penalty, while the adapter learns."""
        if not self.theta.requires_grad or self.l2_weight == 0:
            return {}
        penalty = self.w.pow(2).sum() + self.theta.pow(2).sum()
        return {'loss_l2': self.l2_weight * penalty}

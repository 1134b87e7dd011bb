# Copyright (c) mmslkd contributors. All rights reserved.
import torch
import torch.nn.functional as F

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_number
from .base import BaseTeacherWeighting


@MODELS.register_module()
class EntropyTeacherWeighting(BaseTeacherWeighting):
    """EBKD (Kwon et al., ICASSP 2020): confident (low-entropy) teachers count
    more.

    As in the CA-MKD code's port of EBKD, ``w_k = 1 - H_k / sum_j H_j`` with
    ``H_k`` the entropy of teacher k's prediction; those weights sum to
    ``K - 1``, so they are divided by ``K - 1`` to sum to 1. One teacher gets
    weight 1; if every teacher is certain (all entropies 0), weights are
    uniform.

    Args:
        tau (float): Temperature of the teachers' probabilities. Defaults
            to 1.
        num_teachers (int): K, set by the algorithm.
    """

    def __init__(self, num_teachers: int, tau: float = 1.0, **kwargs) -> None:
        super().__init__(num_teachers=num_teachers, **kwargs)
        self.tau = check_number(
            'tau', tau, type(self).__name__, positive=True)

    def compute_weights(self, teacher_logits: torch.Tensor) -> torch.Tensor:
        """Args: teacher_logits (Tensor): (K, B, C). Returns: (B, K)."""
        self._check_teachers(teacher_logits)
        num = teacher_logits.shape[0]
        if num == 1:
            return teacher_logits.new_ones(teacher_logits.shape[1], 1)
        log_p = F.log_softmax(teacher_logits.detach().float() / self.tau, -1)
        entropy = -(log_p.exp() * log_p).sum(-1).t()  # (B, K)
        total = entropy.sum(1, keepdim=True)
        weights = (1 - entropy / total.clamp_min(1e-12)) / (num - 1)
        return torch.where(total > 1e-12, weights,
                           torch.full_like(weights, 1.0 / num))

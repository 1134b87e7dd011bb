# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options
from .multi_teacher_kd import integrated_target


def rkd_angle(student: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """RKD angle loss (Park et al., CVPR 2019), as AMTML-KD's ``RKdAngle``:
    smooth-L1 between the cosines of the angles every triple of samples
    forms, in the student's and in the target's embedding.

    Args:
        student (Tensor): (B, D).
        target (Tensor): (B, D), no gradient.

    Returns:
        Tensor: The loss (mean over all B^3 triples).
    """

    def angles(x: torch.Tensor) -> torch.Tensor:
        diff = F.normalize(x.unsqueeze(0) - x.unsqueeze(1), p=2, dim=2)
        return torch.bmm(diff, diff.transpose(1, 2)).view(-1)

    with torch.no_grad():
        target_angles = angles(target)
    return F.smooth_l1_loss(angles(student), target_angles)


def rkd_distance(student: torch.Tensor,
                 target: torch.Tensor,
                 eps: float = 1e-12) -> torch.Tensor:
    """RKD distance loss, as AMTML-KD's ``RkdDistance``: smooth-L1 between
    pairwise Euclidean distances, each divided by its batch mean (over
    non-zero distances).

    The squared distances are summed from the differences. The official
    ``pdist`` expands them as ``|a|^2 + |b|^2 - 2 a.b``, which in float32
    cancels away the distances between nearby rows with a large common part
    (log-probabilities over 100 classes at initialisation: 28% off in
    tests/test_models/test_amtml_official_terms.py); same formula, exact
    arithmetic.

    Args:
        student (Tensor): (B, D).
        target (Tensor): (B, D), no gradient.
        eps (float): Clamp of squared distances before the square root (it
            keeps the gradient of coinciding rows finite).

    Returns:
        Tensor: The loss.
    """

    def distances(x: torch.Tensor) -> torch.Tensor:
        diff = x.unsqueeze(1) - x.unsqueeze(0)
        dist = diff.pow(2).sum(2).clamp(min=eps).sqrt()
        dist = dist * (1 - torch.eye(len(x), dtype=x.dtype, device=x.device))
        return dist / dist[dist > 0].mean()

    with torch.no_grad():
        target_dist = distances(target)
    return F.smooth_l1_loss(distances(student), target_dist)


class _MultiTeacherRelationalLoss(nn.Module):
    """A relational loss between the student's output and the integrated
    multi-teacher target ``q = sum_k alpha_k softmax(z_k/T)``.

    Args:
        tau (float): Temperature of the target and of the student's
            probabilities. Defaults to 1.
        student_input (str): What of the student is compared:
            ``'softmax'`` (probabilities, like the target; default, the
            spec's recommendation), ``'log_softmax'`` (the official
            ``LR_adaptive_learning`` notebook) or ``'logits'``.
        loss_weight (float): Weight of the loss. Defaults to 1.
    """

    student_inputs = ('softmax', 'log_softmax', 'logits')

    def __init__(self,
                 tau: float = 1.0,
                 student_input: str = 'softmax',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if student_input not in self.student_inputs:
            raise ValueError(f'student_input must be one of '
                             f'{self.student_inputs}, got {student_input!r}.')
        self.tau = tau
        self.student_input = student_input
        self.loss_weight = loss_weight
        check_loss_options(self, type(self).__name__)

    def _student(self, preds_S: torch.Tensor) -> torch.Tensor:
        if self.student_input == 'softmax':
            return F.softmax(preds_S / self.tau, dim=-1)
        if self.student_input == 'log_softmax':
            return F.log_softmax(preds_S / self.tau, dim=-1)
        return preds_S

    def relation(self, student: torch.Tensor,
                 target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(
            self,
            preds_S: torch.Tensor,
            preds_T: torch.Tensor,
            teacher_weights: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Args:
            preds_S (Tensor): Student logits (B, C).
            preds_T (Tensor): Teacher logits (K, B, C) or (B, C).
            teacher_weights (Tensor, optional): (B, K); None is uniform.

        Returns:
            Tensor: The loss.
        """
        target = integrated_target(preds_T, teacher_weights, self.tau)
        return self.loss_weight * self.relation(self._student(preds_S), target)


@MODELS.register_module()
class MultiTeacherAngleLoss(_MultiTeacherRelationalLoss):
    """RKD angle loss to the integrated multi-teacher target (AMTML-KD's
    ``L_Angle``); memory grows as B^3, keep batches at <= 128.
    """

    def relation(self, student, target):
        return rkd_angle(student, target)


@MODELS.register_module()
class MultiTeacherDistanceLoss(_MultiTeacherRelationalLoss):
    """RKD distance loss to the integrated multi-teacher target (the
    official AMTML-KD code adds it; the paper's figure shows only the angle
    term)."""

    def relation(self, student, target):
        return rkd_distance(student, target)

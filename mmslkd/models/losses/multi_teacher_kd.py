# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options


def as_teacher_stack(preds_T: torch.Tensor) -> torch.Tensor:
    """(B, C) for one teacher or (K, B, C) for K -> (K, B, C)."""
    if preds_T.dim() == 2:
        return preds_T.unsqueeze(0)
    if preds_T.dim() != 3:
        raise ValueError('teacher predictions must be (B, C) or (K, B, C), '
                         f'got {tuple(preds_T.shape)}.')
    return preds_T


def check_teacher_weights(weights: Optional[torch.Tensor], num: int,
                          batch: int) -> torch.Tensor:
    """(B, K) weights, or uniform ones when None."""
    if weights is None:
        return torch.full((batch, num), 1.0 / num)
    if tuple(weights.shape) != (batch, num):
        raise ValueError(f'teacher_weights must be (B={batch}, K={num}), '
                         f'got {tuple(weights.shape)}.')
    return weights


def integrated_target(preds_T: torch.Tensor,
                      teacher_weights: Optional[torch.Tensor],
                      tau: float) -> torch.Tensor:
    """``q = sum_k alpha_k softmax(z_k / tau)``, the weighted mixture of the
    teachers' softened distributions (AMTML-KD's integrated soft target).

    Args:
        preds_T (Tensor): Teacher logits, (K, B, C) or (B, C).
        teacher_weights (Tensor, optional): (B, K) weights summing to 1;
            None means uniform.
        tau (float): Temperature.

    Returns:
        Tensor: (B, C) probabilities. Gradient flows into the weights, not
        into the teachers.
    """
    stack = as_teacher_stack(preds_T).detach()
    weights = check_teacher_weights(teacher_weights, stack.shape[0],
                                    stack.shape[1]).to(stack)
    probs = F.softmax(stack / tau, dim=-1)  # (K, B, C)
    return torch.einsum('bk,kbc->bc', weights, probs)


@MODELS.register_module()
class MultiTeacherKDLoss(nn.Module):
    """Knowledge distillation from K teachers with per-instance weights.

    ``aggregation='target'`` (AMTML-KD): KL from the integrated target
    ``q = sum_k alpha_k softmax(z_k/T)`` to the student,
    ``T^2 KL(q || softmax(z_s/T))``. ``aggregation='loss'`` (EBKD, CA-MKD):
    the weighted sum of per-teacher KD terms,
    ``T^2 sum_k alpha_k KL(softmax(z_k/T) || softmax(z_s/T))``. With one
    teacher both equal MMRazor's ``KLDivergence``.

    Args:
        tau (float): Temperature T. Defaults to 1.
        aggregation (str): ``'target'`` (default) or ``'loss'``.
        reduction (str): ``'batchmean'`` (sum over classes, mean over the
            batch; default) or ``'mean'`` (mean over batch and classes, the
            official AMTML-KD code's ``nn.KLDivLoss()``).
        loss_weight (float): Weight of the loss. Defaults to 1.
    """

    def __init__(self,
                 tau: float = 1.0,
                 aggregation: str = 'target',
                 reduction: str = 'batchmean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if aggregation not in ('target', 'loss'):
            raise ValueError("aggregation must be 'target' or 'loss', got "
                             f'{aggregation!r}.')
        if reduction not in ('batchmean', 'mean'):
            raise ValueError("reduction must be 'batchmean' or 'mean', got "
                             f'{reduction!r}.')
        self.tau = tau
        self.aggregation = aggregation
        self.reduction = reduction
        self.loss_weight = loss_weight
        check_loss_options(self, type(self).__name__)

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
        log_p_s = F.log_softmax(preds_S / self.tau, dim=-1)
        if self.aggregation == 'target':
            target = integrated_target(preds_T, teacher_weights, self.tau)
            kl = F.kl_div(log_p_s, target, reduction='none').sum(-1)
        else:
            stack = as_teacher_stack(preds_T).detach()
            weights = check_teacher_weights(teacher_weights, stack.shape[0],
                                            stack.shape[1]).to(stack)
            targets = F.softmax(stack / self.tau, dim=-1)
            per_teacher = F.kl_div(
                log_p_s.unsqueeze(0), targets, reduction='none').sum(-1)
            kl = (weights.t() * per_teacher).sum(0)  # (B, )
        loss = kl.mean()
        if self.reduction == 'mean':
            loss = loss / preds_S.shape[-1]
        return self.loss_weight * self.tau**2 * loss

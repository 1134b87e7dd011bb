# Copyright (c) mmslkd contributors. All rights reserved.
"""Inter-class correlation (ICC) of a batch of predictions, and the student's
ICC mimic loss ("Improving knowledge distillation via an expressive
teacher", Tan et al., KBS 2021; spec multi_teacher_methods.md B.2).

The paper's full text and code were not available: the definitions below are
the spec's reconstruction, every one marked there as an implementer's choice
[C]."""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options


def class_covariance(logits: torch.Tensor, tau: float = 4.0) -> torch.Tensor:
    """Covariance between the class columns of softened probabilities.

    Args:
        logits (Tensor): (B, C) logits, B >= 2.
        tau (float): Temperature of the softmax. Defaults to 4.

    Returns:
        Tensor: (C, C) ``P~^T P~ / (B - 1)``, ``P~`` the batch-centred
        ``softmax(logits / tau)``.
    """
    if logits.dim() != 2:
        raise ValueError(f'ICC takes (B, C) logits, got shape '
                         f'{tuple(logits.shape)}.')
    if logits.shape[0] < 2:
        raise ValueError('ICC needs a batch of at least 2 samples (the spec '
                         f'advises >= 128), got {logits.shape[0]}.')
    if logits.dtype not in (torch.float32, torch.float64):
        logits = logits.float()  # half-precision covariances underflow
    probs = F.softmax(logits / tau, dim=1)
    centred = probs - probs.mean(0, keepdim=True)
    return centred.t() @ centred / (logits.shape[0] - 1)


def correlation_from_covariance(cov: torch.Tensor,
                                eps: float = 1e-8) -> torch.Tensor:
    """``R = cov / (s s^T)`` with ``s_c = sqrt(cov_cc + eps)``.

    A class whose column is constant over the batch (possible in low
    precision when a class never appears and ``tau`` is small) gets zero
    correlations, not NaN; elsewhere the diagonal is 1 up to ``eps``.

    Args:
        cov (Tensor): (C, C) covariance.
        eps (float): Guard added to the variances. Defaults to 1e-8.

    Returns:
        Tensor: (C, C) correlation matrix.
    """
    std = (cov.diagonal() + eps).sqrt()
    return cov / (std[:, None] * std[None, :])


def inter_class_correlation(logits: torch.Tensor,
                            tau: float = 4.0,
                            eps: float = 1e-8) -> torch.Tensor:
    """The batch inter-class correlation matrix (spec B.2 [C]).

    ``R_ij`` is the Pearson correlation, over the B samples of the batch,
    between the softened probabilities of classes i and j: ``R_ij > 0`` when
    the two classes tend to co-activate on the same images.

    Args:
        logits (Tensor): (B, C) logits.
        tau (float): Temperature; ``tau > 1`` keeps the columns of classes
            absent from the batch from being constant. Defaults to 4.
        eps (float): Variance guard. Defaults to 1e-8.

    Returns:
        Tensor: (C, C), symmetric, unit diagonal where the class column
        varies over the batch.
    """
    return correlation_from_covariance(class_covariance(logits, tau), eps)


@MODELS.register_module()
class InterClassCorrelationLoss(nn.Module):
    """The student's ICC mimic loss, added on top of KD (spec B.2 [C]).

    ``variant='frobenius'`` (default): ``||R_S - R_T||_F^2 / C^2``.
    ``variant='row_cosine'`` (scale-free):
    ``mean_i (1 - cos(R_S[i], R_T[i]))``.
    The teacher side never receives gradient.

    A batch's matrices have rank <= B - 1 (below C at B = 64 on CIFAR-100)
    and are noisy estimates of the data's: 38% relative error at B = 64 and
    26% at B = 128 for a CIFAR-100 ResNet-20
    (``tools/analysis_tools/icc_batch_noise.py``, docs/expressive_teacher.md).
    Two options average over batches:

    - ``target_momentum``: the teacher's class covariance is an exponential
      moving average (``cov <- m cov + (1-m) cov_B``; 8% / 5% error at
      m = 0.9), kept in a buffer saved in checkpoints;
    - ``student_momentum`` (use the same m): the student's covariance too,
      so that both sides are estimates of equal quality and a perfect
      student has zero loss (a batch student against an averaged target
      has a noise floor). Its value is the running average, its gradient
      the current batch covariance's at full weight (``ema.detach() +
      cov_B - cov_B.detach()``): a stochastic gradient of the mimic loss
      between the data-level matrices.

    Args:
        tau (float): Temperature of both ICC matrices. Defaults to 4.
        variant (str): ``'frobenius'`` or ``'row_cosine'``.
        loss_weight (float): lambda_S. Defaults to 20 for the Frobenius
            form (0.50x the KD term at initialisation, 0.67x after 200 KD
            steps, on CIFAR-100 at batch 64: issue 16, measured with
            ``tools/analysis_tools/icc_batch_noise.py``); 1-2 suits
            ``'row_cosine'``.
        eps (float): Variance guard. Defaults to 1e-8.
        target_momentum (float, optional): EMA momentum of the teacher's
            covariance (the spec suggests 0.9); None (default) uses each
            batch's own.
        student_momentum (float, optional): EMA momentum of the student's
            covariance (see above); None (default) uses each batch's own.
        num_classes (int, optional): Needed with either momentum (the
            buffers' size).
    """

    variants = ('frobenius', 'row_cosine')

    def __init__(self,
                 tau: float = 4.0,
                 variant: str = 'frobenius',
                 loss_weight: float = 20.0,
                 eps: float = 1e-8,
                 target_momentum: Optional[float] = None,
                 num_classes: Optional[int] = None,
                 student_momentum: Optional[float] = None) -> None:
        super().__init__()
        if variant not in self.variants:
            raise ValueError(f'InterClassCorrelationLoss variant must be one '
                             f'of {self.variants}, got {variant!r}.')
        self.tau = tau
        self.variant = variant
        self.loss_weight = loss_weight
        self.eps = eps
        check_loss_options(self, type(self).__name__)
        self.target_momentum = target_momentum
        self.student_momentum = student_momentum
        for name, momentum in (('target', target_momentum),
                               ('student', student_momentum)):
            if momentum is None:
                continue
            if not 0 <= momentum < 1:
                raise ValueError(f'{name}_momentum must be in [0, 1), got '
                                 f'{momentum}.')
            if not num_classes:
                raise ValueError(f'InterClassCorrelationLoss with '
                                 f'{name}_momentum needs num_classes (the '
                                 'size of its moving-average buffer).')
            self.register_buffer(f'{name}_covariance',
                                 torch.zeros(num_classes, num_classes))
            self.register_buffer(f'{name}_initialized', torch.tensor(False))

    def _target(self, preds_T: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            cov = class_covariance(preds_T.detach(), self.tau)
            if self.target_momentum is None:
                return correlation_from_covariance(cov, self.eps)
            if cov.shape != self.target_covariance.shape:
                raise ValueError(
                    f'InterClassCorrelationLoss was built for '
                    f'{self.target_covariance.shape[0]} classes, the '
                    f'teacher predicts {cov.shape[0]}.')
            if self.training:
                if bool(self.target_initialized):
                    cov = self.target_momentum * self.target_covariance + (
                        1 - self.target_momentum) * cov
                self.target_covariance.copy_(cov)
                self.target_initialized.fill_(True)
            elif bool(self.target_initialized):
                cov = self.target_covariance
            return correlation_from_covariance(cov, self.eps)

    def _student(self, preds_S: torch.Tensor) -> torch.Tensor:
        cov = class_covariance(preds_S, self.tau)
        if self.student_momentum is None:
            return correlation_from_covariance(cov, self.eps)
        if cov.shape != self.student_covariance.shape:
            raise ValueError(
                f'InterClassCorrelationLoss was built for '
                f'{self.student_covariance.shape[0]} classes, the student '
                f'predicts {cov.shape[0]}.')
        if self.training:
            with torch.no_grad():
                running = cov.detach()
                if bool(self.student_initialized):
                    running = self.student_momentum * \
                        self.student_covariance + (
                            1 - self.student_momentum) * running
                self.student_covariance.copy_(running)
                self.student_initialized.fill_(True)
            # value of the running estimate, gradient of this batch's
            cov = running.to(cov) + (cov - cov.detach())
        elif bool(self.student_initialized):
            cov = self.student_covariance.to(cov) + (cov - cov.detach())
        return correlation_from_covariance(cov, self.eps)

    def forward(self, preds_S: torch.Tensor,
                preds_T: torch.Tensor) -> torch.Tensor:
        """Args:
            preds_S (Tensor): Student logits (B, C).
            preds_T (Tensor): Teacher logits (B, C).

        Returns:
            Tensor: The weighted loss.
        """
        if preds_S.shape != preds_T.shape:
            raise ValueError(f'Student logits {tuple(preds_S.shape)} and '
                             f'teacher logits {tuple(preds_T.shape)} differ; '
                             'both networks must predict the same classes.')
        r_s = self._student(preds_S)
        r_t = self._target(preds_T).to(r_s)
        if self.variant == 'frobenius':
            loss = (r_s - r_t).pow(2).sum() / r_s.shape[0]**2
        else:
            loss = (1 - F.cosine_similarity(r_s, r_t, dim=1, eps=self.eps))
            loss = loss.mean()
        return self.loss_weight * loss

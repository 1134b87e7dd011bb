# Copyright (c) mmslkd contributors. All rights reserved.
"""Inter-class-correlation regularisers that train an "expressive" teacher
(Tan et al., KBS 2021; spec multi_teacher_methods.md B.2, both forms [C]):
``L_T = CE + lambda_T * L_ICR``. Used through :class:`ICCRegularizedClsHead`,
which hands them the logits, the penultimate features and the labels."""
import torch
from mmengine.dist import all_reduce
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options
from .inter_class_correlation import inter_class_correlation


def pearson(x: torch.Tensor,
            y: torch.Tensor,
            eps: float = 1e-8) -> torch.Tensor:
    """Pearson correlation of two 1-D tensors of the same length."""
    x = x - x.mean()
    y = y - y.mean()
    return (x * y).sum() / (x.norm() * y.norm() + eps)


@MODELS.register_module()
class FeatureGroundedICCRegularizer(nn.Module):
    """The spec's default expressive-teacher regulariser [C]:
    ``L_ICR = 1 - Pearson(offdiag(R_T), offdiag(S_F))``.

    ``R_T`` is the batch ICC of the teacher's softened outputs
    (:func:`inter_class_correlation`); ``S_F`` is the cosine similarity of
    exponential-moving-average class centroids of the teacher's penultimate
    features, updated (before the loss is computed) with the true labels of
    each training batch (in training mode with gradients enabled: a frozen
    teacher evaluated under ``no_grad`` keeps its centroids). The loss asks
    the outputs' co-activation to mirror the semantic similarity the
    features have learned; being a correlation it is scale-free. Centroids
    are detached buffers, so they are saved in checkpoints and resume
    exactly; with several processes the per-class sums are all-reduced, so
    every process holds the same centroids. Pairs of classes without a
    centroid yet are left out.

    Args:
        num_classes (int): C.
        in_channels (int): Width D of the penultimate features.
        tau (float): Temperature of ``R_T``. Defaults to 4.
        momentum (float): Centroid EMA momentum. Defaults to 0.9.
        loss_weight (float): lambda_T. Defaults to 1 (the top of the
            spec's grid {0.1, 0.5, 1}): the term is then ~21% of the CE of
            a CIFAR-100 ResNet-20 at initialisation (0.98 vs 4.61) and ~15%
            at the end of a plain 20-epoch run (0.32 vs 2.23), measured by
            ``tools/analysis_tools/icc_batch_noise.py`` (issue 16); at 0.5
            it was 11% / 7%.
        eps (float): Numerical guard. Defaults to 1e-8.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 tau: float = 4.0,
                 momentum: float = 0.9,
                 loss_weight: float = 1.0,
                 eps: float = 1e-8) -> None:
        super().__init__()
        if not 0 <= momentum < 1:
            raise ValueError(f'momentum must be in [0, 1), got {momentum}.')
        self.tau = tau
        self.momentum = momentum
        self.loss_weight = loss_weight
        self.eps = eps
        check_loss_options(self, type(self).__name__)
        self.register_buffer('centroids', torch.zeros(num_classes,
                                                      in_channels))
        self.register_buffer('centroid_seen',
                             torch.zeros(num_classes, dtype=torch.bool))

    @torch.no_grad()
    def update_centroids(self, feats: torch.Tensor,
                         labels: torch.Tensor) -> None:
        """Fold a batch's per-class mean features into the centroids
        (over all processes); a class's first batch initialises it.

        Args:
            feats (Tensor): (B, D) penultimate features.
            labels (Tensor): (B, ) class indices.
        """
        num_classes = self.centroids.shape[0]
        feats = feats.detach().to(self.centroids.dtype)
        sums = torch.zeros_like(self.centroids).index_add_(0, labels, feats)
        counts = torch.bincount(labels, minlength=num_classes).to(sums)
        all_reduce(sums)
        all_reduce(counts)
        present = counts > 0
        means = sums[present] / counts[present, None]
        old = self.centroids[present]
        seen = self.centroid_seen[present, None]
        self.centroids[present] = torch.where(
            seen, self.momentum * old + (1 - self.momentum) * means, means)
        self.centroid_seen |= present

    def centroid_similarity(self) -> torch.Tensor:
        """(C, C) cosine similarity of the centroids, ``S_F``."""
        unit = self.centroids / (
            self.centroids.norm(dim=1, keepdim=True) + self.eps)
        return unit @ unit.t()

    def forward(self, logits: torch.Tensor, feats: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """Args:
            logits (Tensor): (B, C) teacher logits.
            feats (Tensor): (B, D) penultimate features.
            labels (Tensor): (B, ) true labels.

        Returns:
            Tensor: ``loss_weight * L_ICR`` (0 until two classes have
            centroids).
        """
        # a frozen teacher's head (MMRazor runs teachers in 'loss' mode
        # under no_grad, with only their BN in eval mode) keeps its state
        if self.training and torch.is_grad_enabled():
            self.update_centroids(feats, labels)
        seen = self.centroid_seen
        pairs = torch.triu(seen[:, None] & seen[None, :], diagonal=1)
        if int(pairs.sum()) < 2:
            return logits.sum() * 0.0
        r_t = inter_class_correlation(logits, self.tau, self.eps)
        s_f = self.centroid_similarity().to(r_t)
        loss = 1 - pearson(r_t[pairs], s_f[pairs], self.eps)
        return self.loss_weight * loss


@MODELS.register_module()
class SpreadICCRegularizer(nn.Module):
    """The spec's simpler expressive-teacher regulariser [C]:
    ``L_ICR = -Var_{i != j}(R_T,ij)`` (sample variance of the C(C-1)
    off-diagonal entries).

    A one-hot-like teacher has nearly constant off-diagonal correlations
    (about ``-1/(C-1)``); raising their spread asks for structured
    co-activation while CE keeps the teacher accurate. ``R`` lies in
    [-1, 1], so the term is bounded.

    Args:
        tau (float): Temperature of ``R_T``. Defaults to 4.
        loss_weight (float): lambda_T. Defaults to 0.1.
        eps (float): Variance guard of the ICC. Defaults to 1e-8.
    """

    def __init__(self,
                 tau: float = 4.0,
                 loss_weight: float = 0.1,
                 eps: float = 1e-8) -> None:
        super().__init__()
        self.tau = tau
        self.loss_weight = loss_weight
        self.eps = eps
        check_loss_options(self, type(self).__name__)

    def forward(self,
                logits: torch.Tensor,
                feats: torch.Tensor = None,
                labels: torch.Tensor = None) -> torch.Tensor:
        """Args:
            logits (Tensor): (B, C) teacher logits.
            feats, labels: Unused (the head's common interface).

        Returns:
            Tensor: ``loss_weight * L_ICR``.
        """
        r_t = inter_class_correlation(logits, self.tau, self.eps)
        off = ~torch.eye(r_t.shape[0], dtype=torch.bool, device=r_t.device)
        return -self.loss_weight * r_t[off].var()

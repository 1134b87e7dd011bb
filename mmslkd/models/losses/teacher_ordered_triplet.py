# Copyright (c) mmslkd contributors. All rights reserved.
"""The triplet term of AMTML-KD's official AvgMKD baseline
(FLHonker/AMTML-KD-code, ``multi_teacher_avg_distill.ipynb``)."""
import torch
import torch.nn.functional as F
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options


def sample_triplets(batch_size: int, device=None) -> torch.Tensor:
    """B triplets of distinct batch indices (anchor, first, second), each
    drawn uniformly without replacement (the notebook's
    ``random.sample(range(B), 3)``, one per sample), from torch's global
    generator so that the Runner's seeding makes runs repeatable.

    Args:
        batch_size (int): B >= 3.
        device (torch.device, optional): Where the indices live.

    Returns:
        Tensor: (B, 3) long indices.
    """
    if batch_size < 3:
        raise ValueError(f'triplets need a batch of at least 3 samples, got '
                         f'{batch_size}.')
    return torch.rand(batch_size, batch_size,
                      device=device).argsort(dim=1)[:, :3]


@MODELS.register_module()
class TeacherOrderedTripletLoss(nn.Module):
    """Triplet-margin loss on student feature maps whose positive/negative
    roles a teacher decides (AvgMKD baseline of the official AMTML-KD code).

    For each of B random triplets (a, i, j) of the batch, the teacher's map
    decides which of i and j is the positive: i if
    ``||t_a - t_i||^2 <= ||t_a - t_j||^2`` (squared distance over the whole
    map), else j. The student's maps then get PyTorch's
    ``TripletMarginLoss(margin, p=2)``:
    ``max(d(s_a, s_pos) - d(s_a, s_neg) + margin, 0)`` with
    ``d(x, y) = ||x - y + 1e-6||_2``.

    As coded (``nn.TripletMarginLoss`` fed (B, C, H, W) maps), the distance
    is taken along the maps' last axis, i.e. per (sample, channel, row), and
    the loss is the mean over all of them (``distance_over='last_axis'``);
    ``'map'`` takes one distance over the flattened map instead.

    The notebook swaps positive and negative with
    ``st[1], st[2] = st[2], st[1]`` on a tensor, which copies row 2 into row
    1 and leaves both equal: a triplet whose teacher order disagrees with
    the drawn order becomes (a, j, j) and contributes exactly ``margin``
    with no gradient. ``reorder='as_coded'`` (default) reproduces that;
    ``reorder='exchange'`` exchanges the two as the notebook intends. Its
    ``smallest_conflict_teacher`` always returns the last teacher (its
    ``min_conflict`` is never updated), so the configs feed the last
    teacher's map.

    Args:
        margin (float): Triplet margin. Defaults to 0.2 (the notebook's).
        reorder (str): ``'as_coded'`` (default) or ``'exchange'``.
        distance_over (str): ``'last_axis'`` (default, as coded) or
            ``'map'``.
        loss_weight (float): Weight of the loss. Defaults to 1.
    """

    def __init__(self,
                 margin: float = 0.2,
                 reorder: str = 'as_coded',
                 distance_over: str = 'last_axis',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if reorder not in ('as_coded', 'exchange'):
            raise ValueError("reorder must be 'as_coded' or 'exchange', got "
                             f'{reorder!r}.')
        if distance_over not in ('last_axis', 'map'):
            raise ValueError("distance_over must be 'last_axis' or 'map', "
                             f'got {distance_over!r}.')
        if margin < 0:
            raise ValueError(f'margin must be >= 0, got {margin}.')
        self.margin = margin
        self.reorder = reorder
        self.distance_over = distance_over
        self.loss_weight = loss_weight
        check_loss_options(self, type(self).__name__)

    def forward(self, s_feature: torch.Tensor,
                t_feature: torch.Tensor) -> torch.Tensor:
        """Args:
            s_feature (Tensor): Student maps, (B, ...).
            t_feature (Tensor): The ordering teacher's maps, (B, ...).

        Returns:
            Tensor: The loss.
        """
        if s_feature.shape[0] != t_feature.shape[0]:
            raise ValueError(
                f'student and teacher maps hold different batches: '
                f'{s_feature.shape[0]} vs {t_feature.shape[0]}.')
        idx = sample_triplets(s_feature.shape[0], s_feature.device)
        anchor, first, second = idx.unbind(1)
        with torch.no_grad():
            t_flat = t_feature.detach().flatten(1)
            d_first = (t_flat[anchor] - t_flat[first]).pow(2).sum(1)
            d_second = (t_flat[anchor] - t_flat[second]).pow(2).sum(1)
            swapped = d_first > d_second
        positive = torch.where(swapped, second, first)
        negative = second if self.reorder == 'as_coded' else torch.where(
            swapped, first, second)
        s = s_feature if self.distance_over == 'last_axis' or \
            s_feature.dim() == 2 else s_feature.flatten(1)
        loss = F.triplet_margin_loss(
            s[anchor], s[positive], s[negative], margin=self.margin, p=2)
        return self.loss_weight * loss

# Copyright (c) mmslkd contributors. All rights reserved.
import torch
import torch.nn.functional as F
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options


@MODELS.register_module()
class NormalizedHintLoss(nn.Module):
    """FitNet hint loss on channel-normalised maps (AMTML-KD's ``FitNet``):
    the mean squared difference between the (connected) student map and the
    channel-wise L2-normalised teacher map.

    Pair it with :class:`NormalizedConvConnector`, which normalises the
    student map before its 1x1 convolution, as the official code does.

    Args:
        normalize_target (bool): L2-normalise the teacher map over channels.
            Defaults to True.
        spatial_align (str): What to do when the maps' heights/widths differ:
            ``'adaptive_pool'`` (default) adaptive-average-pools the student
            map to the teacher's size; ``'error'`` raises.
        loss_weight (float): Weight of the loss. Defaults to 1.
    """

    def __init__(self,
                 normalize_target: bool = True,
                 spatial_align: str = 'adaptive_pool',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if spatial_align not in ('adaptive_pool', 'error'):
            raise ValueError("spatial_align must be 'adaptive_pool' or "
                             f"'error', got {spatial_align!r}.")
        self.normalize_target = normalize_target
        self.spatial_align = spatial_align
        self.loss_weight = loss_weight
        check_loss_options(self, type(self).__name__)

    def forward(self, s_feature: torch.Tensor,
                t_feature: torch.Tensor) -> torch.Tensor:
        """Args:
            s_feature (Tensor): Student map after its connector, (B, C, h, w).
            t_feature (Tensor): Teacher map, (B, C, H, W).

        Returns:
            Tensor: The loss.
        """
        t_feature = t_feature.detach()
        if self.normalize_target:
            t_feature = F.normalize(t_feature, dim=1)
        if s_feature.shape[1] != t_feature.shape[1]:
            raise ValueError(
                f'hint channels differ: student {s_feature.shape[1]} vs '
                f'teacher {t_feature.shape[1]}; set the connector\'s '
                'out_channels to the teacher\'s.')
        if s_feature.shape[-2:] != t_feature.shape[-2:]:
            if self.spatial_align == 'error':
                raise ValueError(
                    f'hint maps differ in size: student '
                    f'{tuple(s_feature.shape[-2:])} vs teacher '
                    f'{tuple(t_feature.shape[-2:])}; use '
                    "spatial_align='adaptive_pool' or other stages.")
            s_feature = F.adaptive_avg_pool2d(s_feature, t_feature.shape[-2:])
        return self.loss_weight * (s_feature - t_feature).pow(2).mean()

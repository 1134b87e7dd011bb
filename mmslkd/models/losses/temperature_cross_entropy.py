# Copyright (c) mmslkd contributors. All rights reserved.
import torch
from mmpretrain.models.losses import CrossEntropyLoss

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options


@MODELS.register_module()
class TemperatureCrossEntropyLoss(CrossEntropyLoss):
    """Softmax cross-entropy of the logits divided by a temperature,
    ``CE(z / T, y)``: the student's CE term of the official AMTML-KD
    ``LR_adaptive_learning`` notebook (FLHonker/AMTML-KD-code), whose
    ``Adapter.loss`` applies ``F.cross_entropy`` to ``log_softmax(z / T)``
    (cross-entropy of log-probabilities equals that of the logits they come
    from).

    Args:
        tau (float): Temperature T > 0. Defaults to 1 (plain CE).
        **kwargs: :class:`mmpretrain.models.losses.CrossEntropyLoss`
            arguments (``loss_weight``, ``class_weight``...).
    """

    def __init__(self, tau: float = 1.0, **kwargs) -> None:
        if kwargs.get('use_sigmoid') or kwargs.get('use_soft'):
            raise ValueError('TemperatureCrossEntropyLoss is the softmax '
                             'cross-entropy; use_sigmoid and use_soft are '
                             'not supported.')
        if not tau > 0:
            raise ValueError(f'tau must be > 0, got {tau}.')
        super().__init__(**kwargs)
        self.tau = tau
        check_loss_options(self, type(self).__name__)

    def forward(self, cls_score: torch.Tensor, label: torch.Tensor,
                *args, **kwargs) -> torch.Tensor:
        """Args:
            cls_score (Tensor): (B, C) logits.
            label (Tensor): (B, ) labels.
            *args, **kwargs: ``weight``, ``avg_factor``,
                ``reduction_override`` as MMPretrain's loss.

        Returns:
            Tensor: The weighted loss.
        """
        return super().forward(cls_score / self.tau, label, *args, **kwargs)

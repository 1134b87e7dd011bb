# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmpretrain.models.backbones.base_backbone import BaseBackbone

#: Initialisation shared by the CIFAR zoo of the KD literature (CRD and
#: mdistiller): conv weights ~ N(0, 2 / fan_out), zero conv bias, BN weight 1
#: and bias 0. ``Kaiming`` with ``mode='fan_out'`` is exactly that normal.
LITERATURE_INIT = [
    dict(type='Kaiming', layer='Conv2d', mode='fan_out', nonlinearity='relu'),
    dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
]


class StageBackbone(BaseBackbone):
    """Base class of mmslkd's backbones: a network is a chain of stages.

    Each subclass fills :attr:`stage_names` (for stage ``i``, the name of the
    sub-module whose output *is* stage ``i``, so MMRazor recorders can read
    it as ``backbone.<name>``) and :attr:`stage_channels`, and implements
    :meth:`forward_stages`. Stage ``i`` equals ``feats["feats"][i]`` of the
    mdistiller/CRD implementation; where the classifier pools a tensor that
    is not one of those (a final BN-ReLU or 1x1 conv), it is one more, last,
    stage. ``out_indices`` picks the stages :meth:`forward` returns; the
    default ``(-1, )`` is what the classifier's global pooling needs.

    Args:
        out_indices (int | Sequence[int]): Stages to output. Negative indices
            count from the end. Defaults to ``-1``.
        init_cfg (dict | list[dict], optional): Initialisation config.
    """

    stage_names: Tuple[str, ...] = ()
    stage_channels: Tuple[int, ...] = ()
    #: side of the square images the architecture is designed for (None:
    #: any); checked against the data before training
    input_size: Optional[int] = None

    def __init__(self,
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        super().__init__(init_cfg=init_cfg)
        self._raw_out_indices = out_indices

    def _resolve_out_indices(self) -> Tuple[int, ...]:
        """Validate ``out_indices`` against the stages once they exist."""
        raw = self._raw_out_indices
        indices = (raw, ) if isinstance(raw, int) else tuple(raw)
        num = len(self.stage_names)
        resolved = []
        for index in indices:
            if not isinstance(index, int) or not -num <= index < num:
                stages = ', '.join(f'{i}: {name}'
                                   for i, name in enumerate(self.stage_names))
                raise ValueError(
                    f'{type(self).__name__} has {num} stages ({stages}); '
                    f'out_indices={raw!r} is out of range.')
            resolved.append(index % num)
        return tuple(resolved)

    def _finish_init(self) -> None:
        """Call at the end of a subclass ``__init__``."""
        assert len(self.stage_names) == len(self.stage_channels)
        self.out_indices = self._resolve_out_indices()

    def train(self, mode: bool = True) -> 'StageBackbone':
        """Set train/eval mode and return ``self`` like :class:`nn.Module`
        (MMPretrain's ``BaseBackbone.train`` returns None)."""
        super().train(mode)
        return self

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Run the network and return every stage output, in order."""
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Return the stage outputs selected by ``out_indices``.

        Args:
            x (Tensor): Images, shape (N, 3, H, W).

        Returns:
            tuple[Tensor]: One feature map per entry of ``out_indices``.
        """
        stages = self.forward_stages(x)
        return tuple(stages[i] for i in self.out_indices)


def resolve_arch(cls_name: str, arch: Union[str, dict], settings: dict,
                 required: Sequence[str]) -> dict:
    """Look an architecture up by name, or check a custom one.

    Args:
        cls_name (str): Backbone class name, for messages.
        arch (str | dict): A preset name, or a dict with ``required`` keys.
        settings (dict): Preset name -> dict.
        required (Sequence[str]): Keys a custom dict must have.

    Returns:
        dict: The architecture's settings.
    """
    if isinstance(arch, str):
        if arch not in settings:
            raise ValueError(
                f'Unknown {cls_name} arch {arch!r}. Choose one of '
                f'{sorted(settings)}, or pass a dict with keys '
                f'{list(required)}.')
        return dict(settings[arch])
    if isinstance(arch, dict):
        missing = [k for k in required if k not in arch]
        if missing:
            raise ValueError(
                f'Custom {cls_name} arch {arch!r} lacks keys {missing}.')
        return dict(arch)
    raise TypeError(f'{cls_name} arch must be a str or dict, '
                    f'got {type(arch).__name__}.')


class CIFARBackbone(StageBackbone):
    """A stage backbone with the CIFAR stem of the KD literature (a 3x3 first
    convolution and no early downsampling): designed for 32x32 images.
    :class:`mmslkd.engine.hooks.InputSizeCheckHook` stops a run whose data
    has another size before it trains (an ImageNet-sized input would run,
    slowly and to no good)."""

    input_size = 32

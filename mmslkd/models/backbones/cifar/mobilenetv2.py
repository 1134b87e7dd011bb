# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
from torch import nn

from mmslkd.registry import MODELS
from ..base import LITERATURE_INIT, CIFARBackbone


def conv_bn_relu(in_channels: int, out_channels: int, kernel_size: int,
                 stride: int) -> nn.Sequential:
    """Conv (no bias) - BN - ReLU, indices 0/1/2 as in mdistiller."""
    return nn.Sequential(
        nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding=kernel_size // 2,
            bias=False), nn.BatchNorm2d(out_channels), nn.ReLU())


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand, 3x3 depth-wise, 1x1 linear (ReLU, not
    ReLU6, as in the KD literature's CIFAR variant).

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Depth-wise stride, 1 or 2.
        expand_ratio (int): Expansion of the hidden width.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 expand_ratio: int):
        super().__init__()
        hidden = in_channels * expand_ratio
        self.use_res_connect = stride == 1 and in_channels == out_channels
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU(),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU(),
            nn.Conv2d(hidden, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x)
        return x + out if self.use_res_connect else out


@MODELS.register_module()
class CIFARMobileNetV2(CIFARBackbone):
    """MobileNetV2 of the KD literature (CRD/mdistiller ``mobilenetv2.py``).

    The zoo's ``MobileNetV2`` is ``widen_factor=0.5, expand_ratio=6``
    (``mobile_half``): a stride-2 stem, so the network runs at 16x16 from
    the start, and a 1x1 conv to 1280 channels before pooling.

    Stages (index: module): 0: ``conv1`` (stem), 1: ``blocks.1``,
    2: ``blocks.2``, 3: ``blocks.4``, 4: ``blocks.6`` (mdistiller's
    ``feats``), 5: ``conv2`` (what the classifier pools).

    Args:
        widen_factor (float): Width multiplier. Defaults to 0.5.
        expand_ratio (int): Expansion ``T`` of the blocks (the first block
            always uses 1). Defaults to 6.
        out_indices (int | Sequence[int]): Stages to output. Defaults to -1.
        init_cfg (dict | list[dict], optional): Initialisation; defaults to
            the literature's.
    """

    # expand ratio (None = the configurable T), channels, blocks, stride
    block_settings = ((1, 16, 1, 1), (None, 24, 2, 1), (None, 32, 3,
                                                        2), (None, 64, 4, 2),
                      (None, 96, 3, 1), (None, 160, 3, 2), (None, 320, 1, 1))
    stage_names = ('conv1', 'blocks.1', 'blocks.2', 'blocks.4', 'blocks.6',
                   'conv2')

    def __init__(self,
                 widen_factor: float = 0.5,
                 expand_ratio: int = 6,
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg=LITERATURE_INIT):
        super().__init__(out_indices=out_indices, init_cfg=init_cfg)
        in_channels = int(32 * widen_factor)
        self.conv1 = conv_bn_relu(3, in_channels, 3, stride=2)
        widths = [in_channels]
        self.blocks = nn.ModuleList()
        for ratio, channels, num, stride in self.block_settings:
            out_channels = int(channels * widen_factor)
            layers = []
            for i in range(num):
                layers.append(
                    InvertedResidual(in_channels, out_channels,
                                     stride if i == 0 else 1, ratio
                                     or expand_ratio))
                in_channels = out_channels
            self.blocks.append(nn.Sequential(*layers))
            widths.append(out_channels)
        last_channels = int(1280 * widen_factor) if widen_factor > 1 else 1280
        self.conv2 = conv_bn_relu(in_channels, last_channels, 1, stride=1)
        self.stage_channels = (widths[0], widths[2], widths[3], widths[5],
                               widths[7], last_channels)
        self._finish_init()

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Return stem, the outputs of blocks 1, 2, 4, 6 and ``conv2``."""
        x = self.conv1(x)
        stages = [x]
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i in (1, 2, 4, 6):
                stages.append(x)
        stages.append(self.conv2(x))
        return stages

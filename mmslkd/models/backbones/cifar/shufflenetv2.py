# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
from torch import nn

from mmslkd.registry import MODELS
from ..base import CIFARBackbone
from .shufflenetv1 import channel_shuffle


class SplitBasicBlock(nn.Module):
    """ShuffleNetV2 unit: split channels in half, transform one half
    (1x1 - 3x3 depth-wise - 1x1), concatenate and shuffle.

    Args:
        channels (int): Input and output channels.
        split_ratio (float): Share of channels passed through untouched.
    """

    def __init__(self, channels: int, split_ratio: float = 0.5):
        super().__init__()
        self.split_ratio = split_ratio
        branch = int(channels * split_ratio)
        self.conv1 = nn.Conv2d(branch, branch, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(branch)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            branch, branch, 3, padding=1, groups=branch, bias=False)
        self.bn2 = nn.BatchNorm2d(branch)
        self.conv3 = nn.Conv2d(branch, branch, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(branch)
        self.relu3 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        keep = int(x.size(1) * self.split_ratio)
        x1, x2 = x[:, :keep], x[:, keep:]
        out = self.relu1(self.bn1(self.conv1(x2)))
        out = self.bn2(self.conv2(out))
        out = self.relu3(self.bn3(self.conv3(out)))
        return channel_shuffle(torch.cat([x1, out], 1), 2)


class DownBlock(nn.Module):
    """ShuffleNetV2 stride-2 unit: two branches, concatenated and shuffled.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels (half from each branch).
    """

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        mid = out_channels // 2
        # left: 3x3 dw (s2) - 1x1
        self.conv1 = nn.Conv2d(
            in_channels,
            in_channels,
            3,
            stride=2,
            padding=1,
            groups=in_channels,
            bias=False)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv2 = nn.Conv2d(in_channels, mid, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.relu2 = nn.ReLU()
        # right: 1x1 - 3x3 dw (s2) - 1x1
        self.conv3 = nn.Conv2d(in_channels, mid, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid)
        self.relu3 = nn.ReLU()
        self.conv4 = nn.Conv2d(
            mid, mid, 3, stride=2, padding=1, groups=mid, bias=False)
        self.bn4 = nn.BatchNorm2d(mid)
        self.conv5 = nn.Conv2d(mid, mid, 1, bias=False)
        self.bn5 = nn.BatchNorm2d(mid)
        self.relu5 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        left = self.relu2(self.bn2(self.conv2(self.bn1(self.conv1(x)))))
        right = self.relu3(self.bn3(self.conv3(x)))
        right = self.relu5(self.bn5(self.conv5(self.bn4(self.conv4(right)))))
        return channel_shuffle(torch.cat([left, right], 1), 2)


@MODELS.register_module()
class CIFARShuffleNetV2(CIFARBackbone):
    """ShuffleNetV2 of the KD literature (CRD/mdistiller ``ShuffleNetv2.py``).

    A 1x1 stem to 24 channels (no down-sampling), three stages of a
    ``DownBlock`` and n split units, and a 1x1 conv before pooling. The zoo's
    ``ShuffleV2`` is ``widen_factor=1.0``.

    Stages (index: module): 0: ``relu`` (stem), 1: ``layer1``,
    2: ``layer2``, 3: ``layer3`` (mdistiller's ``feats``), 4: ``relu2``
    (after the final 1x1 conv, what the classifier pools).

    Args:
        widen_factor (float): 0.5, 1.0, 1.5 or 2.0, the original
            ShuffleNetV2 widths. Defaults to 1.0.
        out_indices (int | Sequence[int]): Stages to output. Defaults to -1.
        init_cfg (dict | list[dict], optional): Initialisation; the original
            uses PyTorch's defaults, so None.
    """

    width_settings = {
        0.5: (48, 96, 192, 1024),
        1.0: (116, 232, 464, 1024),
        1.5: (176, 352, 704, 1024),
        2.0: (224, 488, 976, 2048),
    }
    num_blocks = (3, 7, 3)
    stage_names = ('relu', 'layer1', 'layer2', 'layer3', 'relu2')

    def __init__(self,
                 widen_factor: float = 1.0,
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg=None):
        super().__init__(out_indices=out_indices, init_cfg=init_cfg)
        if float(widen_factor) not in self.width_settings:
            raise ValueError(
                f'CIFARShuffleNetV2 widen_factor must be one of '
                f'{sorted(self.width_settings)}, got {widen_factor}.')
        widths = self.width_settings[float(widen_factor)]
        self.conv1 = nn.Conv2d(3, 24, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(24)
        self.relu = nn.ReLU()
        in_channels = 24
        for i, (channels, num) in enumerate(zip(widths, self.num_blocks)):
            layers = [DownBlock(in_channels, channels)]
            layers += [SplitBasicBlock(channels) for _ in range(num)]
            self.add_module(f'layer{i + 1}', nn.Sequential(*layers))
            in_channels = channels
        self.conv2 = nn.Conv2d(in_channels, widths[3], 1, bias=False)
        self.bn2 = nn.BatchNorm2d(widths[3])
        self.relu2 = nn.ReLU()
        self.stage_channels = (24, ) + widths
        self._finish_init()

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Return stem, the three stage outputs and the final 1x1 conv."""
        x = self.relu(self.bn1(self.conv1(x)))
        stages = [x]
        for layer in (self.layer1, self.layer2, self.layer3):
            x = layer(x)
            stages.append(x)
        stages.append(self.relu2(self.bn2(self.conv2(x))))
        return stages

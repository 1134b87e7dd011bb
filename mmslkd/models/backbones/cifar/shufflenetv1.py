# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
from torch import nn

from mmslkd.registry import MODELS
from ..base import CIFARBackbone, resolve_arch


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """[N, g*c, H, W] -> [N, c*g, H, W]: interleave the channel groups."""
    n, c, h, w = x.shape
    return x.reshape(n, groups, c // groups, h,
                     w).transpose(1, 2).reshape(n, c, h, w)


class ShuffleBottleneck(nn.Module):
    """ShuffleNetV1 unit: grouped 1x1, shuffle, 3x3 depth-wise, grouped 1x1.

    Stride-2 units concatenate an average-pooled shortcut, others add it.

    Args:
        in_planes (int): Input channels.
        out_planes (int): Channels of the residual branch.
        stride (int): 1 or 2.
        groups (int): Groups of the 1x1 convs (1 for the first, 24-channel,
            input as in the original).
    """

    def __init__(self, in_planes: int, out_planes: int, stride: int,
                 groups: int):
        super().__init__()
        self.stride = stride
        mid_planes = out_planes // 4
        first_groups = 1 if in_planes == 24 else groups
        self.shuffle_groups = first_groups
        self.conv1 = nn.Conv2d(
            in_planes, mid_planes, 1, groups=first_groups, bias=False)
        self.bn1 = nn.BatchNorm2d(mid_planes)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            mid_planes,
            mid_planes,
            3,
            stride=stride,
            padding=1,
            groups=mid_planes,
            bias=False)
        self.bn2 = nn.BatchNorm2d(mid_planes)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(
            mid_planes, out_planes, 1, groups=groups, bias=False)
        self.bn3 = nn.BatchNorm2d(out_planes)
        self.shortcut = nn.Sequential()
        if stride == 2:
            self.shortcut = nn.Sequential(nn.AvgPool2d(3, stride=2, padding=1))
        self.relu3 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))
        out = channel_shuffle(out, self.shuffle_groups)
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        res = self.shortcut(x)
        out = torch.cat([out, res], 1) if self.stride == 2 else out + res
        return self.relu3(out)


@MODELS.register_module()
class CIFARShuffleNetV1(CIFARBackbone):
    """ShuffleNetV1 of the KD literature (CRD/mdistiller ``ShuffleNetv1.py``).

    A 1x1 stem to 24 channels (no down-sampling) and three stages whose first
    unit has stride 2. The zoo's ``ShuffleV1`` is out widths (240, 480,
    960), blocks (4, 8, 4), 3 groups.

    Stages (index: module): 0: ``relu`` (stem), 1: ``layer1``,
    2: ``layer2``, 3: ``layer3``.

    Args:
        arch (str | dict): ``'ShuffleV1'`` or
            ``dict(out_planes=(..3), num_blocks=(..3), groups=g)``.
        out_indices (int | Sequence[int]): Stages to output. Defaults to -1.
        init_cfg (dict | list[dict], optional): Initialisation; the original
            uses PyTorch's defaults, so None.
    """

    arch_settings = {
        'ShuffleV1':
        dict(out_planes=(240, 480, 960), num_blocks=(4, 8, 4), groups=3)
    }
    stage_names = ('relu', 'layer1', 'layer2', 'layer3')

    def __init__(self,
                 arch: Union[str, dict] = 'ShuffleV1',
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg=None):
        super().__init__(out_indices=out_indices, init_cfg=init_cfg)
        setting = resolve_arch(
            type(self).__name__, arch, self.arch_settings,
            ('out_planes', 'num_blocks', 'groups'))
        self.conv1 = nn.Conv2d(3, 24, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(24)
        self.relu = nn.ReLU()
        self.in_planes = 24
        for i, (planes, num) in enumerate(
                zip(setting['out_planes'], setting['num_blocks'])):
            self.add_module(f'layer{i + 1}',
                            self._make_layer(planes, num, setting['groups']))
        self.stage_channels = (24, ) + tuple(setting['out_planes'])
        self._finish_init()

    def _make_layer(self, out_planes: int, num_blocks: int,
                    groups: int) -> nn.Sequential:
        layers = []
        for i in range(num_blocks):
            concat = self.in_planes if i == 0 else 0
            layers.append(
                ShuffleBottleneck(self.in_planes, out_planes - concat,
                                  2 if i == 0 else 1, groups))
            self.in_planes = out_planes
        return nn.Sequential(*layers)

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Return the outputs of the stem and the three stages."""
        x = self.relu(self.bn1(self.conv1(x)))
        stages = [x]
        for layer in (self.layer1, self.layer2, self.layer3):
            x = layer(x)
            stages.append(x)
        return stages

# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
from torch import nn

from mmslkd.registry import MODELS
from ..base import LITERATURE_INIT, CIFARBackbone, resolve_arch


def _shortcut(in_planes: int, out_planes: int, stride: int) -> nn.Sequential:
    """Identity (an empty Sequential) or 1x1 conv + BN, as in the original."""
    if stride == 1 and in_planes == out_planes:
        return nn.Sequential()
    return nn.Sequential(
        nn.Conv2d(in_planes, out_planes, 1, stride=stride, bias=False),
        nn.BatchNorm2d(out_planes))


class StemResNetBasicBlock(nn.Module):
    """Two 3x3 convs with a ``shortcut`` (ResNet18/34 block).

    Args:
        in_planes (int): Input channels.
        planes (int): Output channels.
        stride (int): Stride of the first conv.
    """
    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = _shortcut(in_planes, planes, stride)
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu2(out + self.shortcut(x))


class StemResNetBottleneck(nn.Module):
    """1x1 - 3x3 (strided) - 1x1 x4 with a ``shortcut`` (ResNet50 block).

    Args:
        in_planes (int): Input channels.
        planes (int): Bottleneck channels; the output has 4x as many.
        stride (int): Stride of the 3x3 conv.
    """
    expansion = 4

    def __init__(self, in_planes: int, planes: int, stride: int = 1):
        super().__init__()
        out_planes = planes * self.expansion
        self.conv1 = nn.Conv2d(in_planes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(planes, out_planes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_planes)
        self.shortcut = _shortcut(in_planes, out_planes, stride)
        self.relu3 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu3(out + self.shortcut(x))


@MODELS.register_module()
class CIFARStemResNet(CIFARBackbone):
    """ImageNet ResNet-18/34/50 with a CIFAR stem (KD literature
    ``resnetv2.py``): a 3x3 stride-1 stem without max-pooling and four
    stages with strides 1, 2, 2, 2.

    Stages (index: module): 0: ``relu`` (stem), 1..4: ``layer1..4``.

    Args:
        arch (str | dict): ``'ResNet18'``, ``'ResNet34'``, ``'ResNet50'``,
            ``'ResNet101'``, ``'ResNet152'``, or
            ``dict(block='basic'|'bottleneck', num_blocks=(..4))``.
        out_indices (int | Sequence[int]): Stages to output. Defaults to -1.
        init_cfg (dict | list[dict], optional): Initialisation; defaults to
            the literature's.
    """

    arch_settings = {
        'ResNet18': dict(block='basic', num_blocks=(2, 2, 2, 2)),
        'ResNet34': dict(block='basic', num_blocks=(3, 4, 6, 3)),
        'ResNet50': dict(block='bottleneck', num_blocks=(3, 4, 6, 3)),
        'ResNet101': dict(block='bottleneck', num_blocks=(3, 4, 23, 3)),
        'ResNet152': dict(block='bottleneck', num_blocks=(3, 8, 36, 3)),
    }
    blocks = dict(basic=StemResNetBasicBlock, bottleneck=StemResNetBottleneck)
    stage_names = ('relu', 'layer1', 'layer2', 'layer3', 'layer4')

    def __init__(self,
                 arch: Union[str, dict] = 'ResNet18',
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg=LITERATURE_INIT):
        super().__init__(out_indices=out_indices, init_cfg=init_cfg)
        setting = resolve_arch(
            type(self).__name__, arch, self.arch_settings,
            ('block', 'num_blocks'))
        if setting['block'] not in self.blocks:
            raise ValueError(f'CIFARStemResNet block must be one of '
                             f'{list(self.blocks)}, got {setting["block"]!r}.')
        block = self.blocks[setting['block']]
        self.conv1 = nn.Conv2d(3, 64, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.in_planes = 64
        channels = [64]
        for i, (planes, num) in enumerate(
                zip((64, 128, 256, 512), setting['num_blocks'])):
            stride = 1 if i == 0 else 2
            layers = []
            for j in range(num):
                layers.append(
                    block(self.in_planes, planes, stride if j == 0 else 1))
                self.in_planes = planes * block.expansion
            self.add_module(f'layer{i + 1}', nn.Sequential(*layers))
            channels.append(self.in_planes)
        self.stage_channels = tuple(channels)
        self._finish_init()

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Return the outputs of the stem and the four stages."""
        x = self.relu(self.bn1(self.conv1(x)))
        stages = [x]
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = layer(x)
            stages.append(x)
        return stages

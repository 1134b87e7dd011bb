# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
from torch import nn

from mmslkd.registry import MODELS
from ..base import LITERATURE_INIT, CIFARBackbone, resolve_arch


def conv3x3(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution, padding 1, no bias."""
    return nn.Conv2d(
        in_planes, out_planes, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    """Post-activation residual block of the CIFAR ResNet.

    The input of ``relu2`` is the block's pre-activation (mdistiller's
    ``preact_feats``): record it with MMRazor's ``ModuleInputs``.

    Args:
        inplanes (int): Input channels.
        planes (int): Output channels.
        stride (int): Stride of the first conv. Defaults to 1.
        downsample (nn.Module, optional): 1x1 conv + BN shortcut.
    """

    def __init__(self,
                 inplanes: int,
                 planes: int,
                 stride: int = 1,
                 downsample: nn.Module = None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU()
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu2(out + identity)


@MODELS.register_module()
class CIFARResNet(CIFARBackbone):
    """The CIFAR ResNet of the KD literature (resnet8 ... resnet110, x4).

    He et al.'s 6n+2 CIFAR ResNet with BasicBlocks, as in CRD/mdistiller's
    ``models/cifar/resnet.py``: a 3x3 stem, three stages with strides 1, 2, 2,
    and 1x1 conv + BN shortcuts when the shape changes. Parameter names match
    mdistiller, so its checkpoints load after adding the ``backbone.`` prefix.

    Stages (index: module): 0: ``relu`` (stem), 1: ``layer1``,
    2: ``layer2``, 3: ``layer3``.

    Args:
        arch (str | dict): ``'resnet8'``, ``'resnet14'``, ``'resnet20'``,
            ``'resnet32'``, ``'resnet44'``, ``'resnet56'``, ``'resnet110'``,
            ``'resnet8x4'``, ``'resnet32x4'``, or
            ``dict(depth=6n+2, widths=(stem, s1, s2, s3))``.
        out_indices (int | Sequence[int]): Stages to output. Defaults to -1.
        init_cfg (dict | list[dict], optional): Initialisation; defaults to
            the literature's (Kaiming fan-out convs, unit BN).
    """

    arch_settings = {
        **{
            f'resnet{d}': dict(depth=d, widths=(16, 16, 32, 64))
            for d in (8, 14, 20, 32, 44, 56, 110)
        },
        'resnet8x4': dict(depth=8, widths=(32, 64, 128, 256)),
        'resnet32x4': dict(depth=32, widths=(32, 64, 128, 256)),
    }
    stage_names = ('relu', 'layer1', 'layer2', 'layer3')

    def __init__(self,
                 arch: Union[str, dict] = 'resnet32',
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg=LITERATURE_INIT):
        super().__init__(out_indices=out_indices, init_cfg=init_cfg)
        setting = resolve_arch(
            type(self).__name__, arch, self.arch_settings, ('depth', 'widths'))
        depth, widths = setting['depth'], tuple(setting['widths'])
        if (depth - 2) % 6 != 0 or depth < 8:
            raise ValueError(f'CIFARResNet depth must be 6n+2 (8, 14, 20, '
                             f'...), got {depth}.')
        num_blocks = (depth - 2) // 6
        self.stage_channels = widths

        self.conv1 = nn.Conv2d(3, widths[0], 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU()
        self.inplanes = widths[0]
        self.layer1 = self._make_layer(widths[1], num_blocks, stride=1)
        self.layer2 = self._make_layer(widths[2], num_blocks, stride=2)
        self.layer3 = self._make_layer(widths[3], num_blocks, stride=2)
        self._finish_init()

    def _make_layer(self, planes: int, num_blocks: int,
                    stride: int) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, num_blocks)]
        return nn.Sequential(*layers)

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Return the outputs of the stem and the three stages."""
        x = self.relu(self.bn1(self.conv1(x)))
        stages = [x]
        for layer in (self.layer1, self.layer2, self.layer3):
            x = layer(x)
            stages.append(x)
        return stages

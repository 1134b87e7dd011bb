# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
import torch.nn.functional as F
from torch import nn

from mmslkd.registry import MODELS
from ..base import LITERATURE_INIT, CIFARBackbone, resolve_arch


class WideBasicBlock(nn.Module):
    """Pre-activation wide residual block (BN-ReLU-conv, twice).

    When the channel count changes, the activated input feeds both the
    residual branch and a 1x1 ``convShortcut``; otherwise the raw input is
    the identity, as in Zagoruyko & Komodakis' code and mdistiller.

    Args:
        in_planes (int): Input channels.
        out_planes (int): Output channels.
        stride (int): Stride of the first conv.
        drop_rate (float): Dropout between the convs. Defaults to 0.
    """

    def __init__(self,
                 in_planes: int,
                 out_planes: int,
                 stride: int,
                 drop_rate: float = 0.0):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(
            in_planes, out_planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_planes)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            out_planes, out_planes, 3, stride=1, padding=1, bias=False)
        self.drop_rate = drop_rate
        self.equal_in_out = in_planes == out_planes
        self.convShortcut = None if self.equal_in_out else nn.Conv2d(
            in_planes, out_planes, 1, stride=stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        activated = self.relu1(self.bn1(x))
        out = self.relu2(self.bn2(self.conv1(activated)))
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        out = self.conv2(out)
        shortcut = x if self.equal_in_out else self.convShortcut(activated)
        return shortcut + out


class NetworkBlock(nn.Module):
    """A stage of wide blocks, kept as ``.layer`` for checkpoint names."""

    def __init__(self,
                 num_blocks: int,
                 in_planes: int,
                 out_planes: int,
                 stride: int,
                 drop_rate: float = 0.0):
        super().__init__()
        self.layer = nn.Sequential(*[
            WideBasicBlock(in_planes if i == 0 else out_planes, out_planes,
                           stride if i == 0 else 1, drop_rate)
            for i in range(num_blocks)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)


@MODELS.register_module()
class CIFARWideResNet(CIFARBackbone):
    """Wide ResNet (WRN-d-k) for CIFAR, as in CRD/mdistiller ``wrn.py``.

    Stages (index: module): 0: ``conv1`` (stem, not activated),
    1: ``block1``, 2: ``block2``, 3: ``block3`` (pre-activation block
    outputs, mdistiller's ``feats``), 4: ``relu`` (final BN-ReLU, what the
    classifier pools). mdistiller's ``preact_feats[3]`` is the output of
    ``bn1``.

    Args:
        arch (str | dict): ``'wrn_16_1'``, ``'wrn_16_2'``, ``'wrn_40_1'``,
            ``'wrn_40_2'``, ``'wrn_28_4'``, or
            ``dict(depth=6n+4, widen_factor=k)``.
        drop_rate (float): Dropout inside blocks. Defaults to 0.
        out_indices (int | Sequence[int]): Stages to output. Defaults to -1.
        init_cfg (dict | list[dict], optional): Initialisation; defaults to
            the literature's (conv ~ N(0, 2/fan_out), unit BN).
    """

    arch_settings = {
        f'wrn_{d}_{k}': dict(depth=d, widen_factor=k)
        for d, k in ((16, 1), (16, 2), (40, 1), (40, 2), (28, 4))
    }
    stage_names = ('conv1', 'block1', 'block2', 'block3', 'relu')

    def __init__(self,
                 arch: Union[str, dict] = 'wrn_40_2',
                 drop_rate: float = 0.0,
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg=LITERATURE_INIT):
        super().__init__(out_indices=out_indices, init_cfg=init_cfg)
        setting = resolve_arch(
            type(self).__name__, arch, self.arch_settings,
            ('depth', 'widen_factor'))
        depth, k = setting['depth'], setting['widen_factor']
        if (depth - 4) % 6 != 0 or depth < 10:
            raise ValueError(
                f'CIFARWideResNet depth must be 6n+4, got {depth}.')
        n = (depth - 4) // 6
        widths = (16, 16 * k, 32 * k, 64 * k)
        self.stage_channels = widths + (widths[-1], )

        self.conv1 = nn.Conv2d(3, widths[0], 3, padding=1, bias=False)
        self.block1 = NetworkBlock(n, widths[0], widths[1], 1, drop_rate)
        self.block2 = NetworkBlock(n, widths[1], widths[2], 2, drop_rate)
        self.block3 = NetworkBlock(n, widths[2], widths[3], 2, drop_rate)
        self.bn1 = nn.BatchNorm2d(widths[3])
        self.relu = nn.ReLU()
        self._finish_init()

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Return stem, the three stage outputs and the final BN-ReLU."""
        x = self.conv1(x)
        stages = [x]
        for block in (self.block1, self.block2, self.block3):
            x = block(x)
            stages.append(x)
        stages.append(self.relu(self.bn1(x)))
        return stages

# Copyright (c) mmslkd contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
from torch import nn

from mmslkd.registry import MODELS
from ..base import LITERATURE_INIT, CIFARBackbone, resolve_arch


def make_vgg_block(widths: Sequence[int], in_channels: int) -> nn.Sequential:
    """Conv3x3(bias)-BN-ReLU per width, without the block's last ReLU.

    A block therefore ends in BN (its output is the pre-activation), and the
    layer indices (0 conv, 1 BN, 2 ReLU, 3 conv, ...) match mdistiller.
    """
    layers = []
    for width in widths:
        layers += [
            nn.Conv2d(in_channels, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU()
        ]
        in_channels = width
    return nn.Sequential(*layers[:-1])


@MODELS.register_module()
class CIFARVGG(CIFARBackbone):
    """VGG with BN for CIFAR, as in CRD/mdistiller ``vgg.py`` (``*_bn``).

    Five blocks; 2x2 max-pooling after blocks 0-2, and after block 3 only for
    64x64 inputs (so on CIFAR blocks 3 and 4 both run at 4x4, as in the
    original). Convs have a bias.

    Stages (index: module): ``reluI`` for I in 0..4, the activated output of
    ``blockI``. The pre-activation is ``blockI``'s own output.

    Args:
        arch (str | dict): ``'vgg8'``, ``'vgg11'``, ``'vgg13'``,
            ``'vgg16'``, ``'vgg19'``, or ``dict(widths=[[...] x 5])``.
        out_indices (int | Sequence[int]): Stages to output. Defaults to -1.
        init_cfg (dict | list[dict], optional): Initialisation; defaults to
            the literature's (conv ~ N(0, 2/fan_out) with zero bias, unit BN).
    """

    arch_settings = {
        'vgg8':
        dict(widths=[[64], [128], [256], [512], [512]]),
        'vgg11':
        dict(widths=[[64], [128], [256, 256], [512, 512], [512, 512]]),
        'vgg13':
        dict(
            widths=[[64, 64], [128, 128], [256, 256], [512, 512], [512, 512]]),
        'vgg16':
        dict(widths=[[64, 64], [128, 128], [256] * 3, [512] * 3, [512] * 3]),
        'vgg19':
        dict(widths=[[64, 64], [128, 128], [256] * 4, [512] * 4, [512] * 4]),
    }
    stage_names = ('relu0', 'relu1', 'relu2', 'relu3', 'relu4')

    def __init__(self,
                 arch: Union[str, dict] = 'vgg13',
                 out_indices: Union[int, Sequence[int]] = -1,
                 init_cfg=LITERATURE_INIT):
        super().__init__(out_indices=out_indices, init_cfg=init_cfg)
        widths = resolve_arch(
            type(self).__name__, arch, self.arch_settings,
            ('widths', ))['widths']
        if len(widths) != 5:
            raise ValueError(f'CIFARVGG needs 5 blocks of widths, got '
                             f'{len(widths)}.')
        self.stage_channels = tuple(block[-1] for block in widths)
        in_channels = 3
        for i, block in enumerate(widths):
            self.add_module(f'block{i}', make_vgg_block(block, in_channels))
            self.add_module(f'relu{i}', nn.ReLU())
            in_channels = block[-1]
        for i in range(4):
            self.add_module(f'pool{i}', nn.MaxPool2d(kernel_size=2, stride=2))
        self._finish_init()

    def forward_stages(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Return the activated output of each of the five blocks."""
        height = x.shape[2]
        stages = []
        for i in range(5):
            x = getattr(self, f'relu{i}')(getattr(self, f'block{i}')(x))
            stages.append(x)
            if i < 3 or (i == 3 and height == 64):
                x = getattr(self, f'pool{i}')(x)
        return stages

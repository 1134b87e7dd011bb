# Copyright (c) mmslkd contributors. All rights reserved.
from .base import CIFARBackbone, StageBackbone
from .cifar import (CIFARVGG, CIFARMobileNetV2, CIFARResNet, CIFARShuffleNetV1,
                    CIFARShuffleNetV2, CIFARStemResNet, CIFARWideResNet)
from .mobilenet_v1 import MobileNetV1

__all__ = [
    'StageBackbone', 'CIFARBackbone', 'CIFARResNet', 'CIFARWideResNet',
    'CIFARVGG', 'CIFARMobileNetV2', 'CIFARShuffleNetV1', 'CIFARShuffleNetV2',
    'CIFARStemResNet', 'MobileNetV1'
]

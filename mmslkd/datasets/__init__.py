# Copyright (c) mmslkd contributors. All rights reserved.
from .cifar import CIFAR10, CIFAR100, CIFAR10Format, CIFAR100Format
from .device_resident import (DeviceResidentDataset, batch_collate,
                              dataset_arrays)
from .embedded_digits import EmbeddedDigits
from .synthetic_cifar import write_cifar100_folder

__all__ = [
    'CIFAR10', 'CIFAR100', 'CIFAR10Format', 'CIFAR100Format',
    'DeviceResidentDataset', 'EmbeddedDigits', 'batch_collate',
    'dataset_arrays', 'write_cifar100_folder'
]

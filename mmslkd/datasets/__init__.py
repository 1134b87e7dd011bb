# Copyright (c) mmslkd contributors. All rights reserved.
from .cifar import CIFAR10, CIFAR100, CIFAR10Format, CIFAR100Format
from .cifar_image_folders import (CIFAR10_CLASSES, CIFAR100_CLASSES,
                                  CIFAR100_COARSE_CLASSES,
                                  CIFAR100_FINE_TO_COARSE, ImageFolderError,
                                  convert_cifar_image_folders)
from .device_resident import (DeviceResidentDataset, batch_collate,
                              dataset_arrays)
from .embedded_digits import EmbeddedDigits
from .synthetic_cifar import write_cifar100_folder
from .tiny_imagenet import TinyImageNet

__all__ = [
    'CIFAR10', 'CIFAR100', 'CIFAR10Format', 'CIFAR100Format',
    'CIFAR10_CLASSES', 'CIFAR100_CLASSES', 'CIFAR100_COARSE_CLASSES',
    'CIFAR100_FINE_TO_COARSE', 'ImageFolderError',
    'convert_cifar_image_folders',
    'DeviceResidentDataset', 'EmbeddedDigits', 'batch_collate',
    'dataset_arrays', 'write_cifar100_folder', 'TinyImageNet'
]

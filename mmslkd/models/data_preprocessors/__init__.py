# Copyright (c) mmslkd contributors. All rights reserved.
from .batch_augment_data_preprocessor import (BatchAugmentClsDataPreprocessor,
                                              random_crop_flip)

__all__ = ['BatchAugmentClsDataPreprocessor', 'random_crop_flip']

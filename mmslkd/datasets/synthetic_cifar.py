# Copyright (c) mmslkd contributors. All rights reserved.
import os
import os.path as osp
import pickle
from typing import Sequence

import numpy as np


def write_cifar100_folder(root: str,
                          num_train: int = 96,
                          num_test: int = 32,
                          num_classes: int = 100,
                          image_shape: Sequence[int] = (3, 32, 32),
                          seed: int = 0) -> str:
    """Write a generated CIFAR-100-format folder (``root/cifar-100-python``)
    for tests and benchmarks (read it with ``CIFAR100Format``).

    Images are noise plus a per-class colour offset, so classes are
    learnable.

    Args:
        root (str): Folder to write into.
        num_train (int): Training images. Defaults to 96.
        num_test (int): Test images. Defaults to 32.
        num_classes (int): Labels cycle through ``0..num_classes-1``.
        image_shape (Sequence[int]): (C, H, W). Defaults to (3, 32, 32).
        seed (int): Seed of the pixels. Defaults to 0.

    Returns:
        str: ``root``.
    """
    rng = np.random.RandomState(seed)
    folder = osp.join(root, 'cifar-100-python')
    os.makedirs(folder, exist_ok=True)
    colours = rng.randint(0, 256, size=(num_classes, 3, 1, 1))
    for split, num in (('train', num_train), ('test', num_test)):
        labels = np.arange(num) % num_classes
        noise = rng.randint(0, 64, size=(num, ) + tuple(image_shape))
        images = np.clip(noise + colours[labels] // 2, 0,
                         255).astype(np.uint8).reshape(
                             num, int(np.prod(image_shape)))
        entry = dict(
            data=images,
            fine_labels=labels.tolist(),
            coarse_labels=(labels // 5).tolist(),
            filenames=[f'{split}_{i}.png' for i in range(num)])
        with open(osp.join(folder, split), 'wb') as f:
            pickle.dump(entry, f)
    with open(osp.join(folder, 'meta'), 'wb') as f:
        pickle.dump(dict(fine_label_names=[f'c{i}' for i in range(100)]), f)
    return root

# Copyright (c) mmslkd contributors. All rights reserved.
"""Convert CIFAR-100 / CIFAR-10 image folders to the official python layout.

    python tools/dataset_converters/cifar_folders_to_python.py \
        /path/to/CIFAR-100-dataset data/cifar100

The source holds ``train/<class name>/*.png`` and ``test/<class name>/*.png``
(e.g. github:cyizhuo/CIFAR-100-dataset or CIFAR-10-dataset, lossless PNG,
official split). The output, ``<data root>/cifar-100-python`` (``train``,
``test``, ``meta``; fine labels in the official order, coarse labels from the
official fine -> coarse table) or ``<data root>/cifar-10-batches-py``
(``data_batch_1..5``, ``test_batch``, ``batches.meta``), is read by every
CIFAR config of mmslkd with ``data_root`` set to the data root; the default
``data/cifar100`` / ``data/cifar10`` need no option at all. See
mmslkd/datasets/cifar_image_folders.py for what is checked.
"""
import argparse
import sys

from mmslkd.datasets.cifar_image_folders import (ImageFolderError,
                                                 convert_cifar_image_folders)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'src', help='extracted image folder (holds train/ and test/)')
    parser.add_argument(
        'data_root',
        help='data root to write into (e.g. data/cifar100); the batches go '
        'to <data_root>/cifar-100-python or cifar-10-batches-py')
    parser.add_argument(
        '--dataset',
        choices=['cifar100', 'cifar10'],
        help='default: inferred from the class folder names')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of the fixed shuffle of each split (default 0)')
    parser.add_argument(
        '--allow-partial',
        action='store_true',
        help='convert a folder whose classes lack images (a subset); read '
        'the result with type CIFAR100Format / CIFAR10Format')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace an existing output folder')
    return parser.parse_args()


def main():
    args = parse_args()
    try:
        record = convert_cifar_image_folders(
            args.src,
            args.data_root,
            dataset=args.dataset,
            seed=args.seed,
            allow_partial=args.allow_partial,
            overwrite=args.overwrite)
    except ImageFolderError as err:
        sys.exit(f'error: {err}')
    if record['complete']:
        print(f'CIFAR configs read it with data_root={args.data_root!r} '
              "(e.g. --cfg-options train_dataloader.dataset.data_root=... "
              'val_dataloader.dataset.data_root=...), no other option.')
    else:
        kind = 'CIFAR100Format' if '100' in record['format'] else \
            'CIFAR10Format'
        print(f'Partial conversion: read it with type {kind!r} '
              f'(e.g. --cfg-options train_dataloader.dataset.type={kind} '
              f'val_dataloader.dataset.type={kind}).')


if __name__ == '__main__':
    main()

# Copyright (c) mmslkd contributors. All rights reserved.
"""Convert CIFAR image folders (``train|test/<class name>/<file>.png``) to
the official python-pickle layouts (``cifar-100-python``,
``cifar-10-batches-py``).

The public lossless PNG copies of CIFAR (one folder per fine class, the
original file names) hold exactly the official pixels and split, but not the
official pickle order. The conversion is deterministic: classes take the
official index order, coarse CIFAR-100 labels come from the fixed fine ->
coarse table of the dataset's authors, and the images of each split are
shuffled with a fixed seed (the official files are in random order too, so
that the first N images of a split are a mix of classes). Every folder
problem raises :class:`ImageFolderError` naming the folder and the fix, and
nothing is written until the whole input has been read and checked; the
output is written under a temporary name and renamed into place.

The folder also receives ``mmslkd_conversion.json``: the md5 of every file
written, the source folder and the image counts. The md5 sums of converted
files cannot equal the official ones (the order differs), so
:class:`~mmslkd.datasets.CIFAR100` / :class:`~mmslkd.datasets.CIFAR10`
accept a complete converted folder by this record instead, which still
detects a damaged or edited file.
"""
import hashlib
import json
import os
import os.path as osp
import pickle
import shutil
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    'CIFAR10_CLASSES', 'CIFAR100_CLASSES', 'CIFAR100_COARSE_CLASSES',
    'CIFAR100_FINE_TO_COARSE', 'CONVERSION_RECORD', 'ImageFolderError',
    'convert_cifar_image_folders', 'read_conversion_record'
]

#: the name of the record the converter writes beside the batch files
CONVERSION_RECORD = 'mmslkd_conversion.json'

#: CIFAR-10 class names in the official label order (``batches.meta``)
CIFAR10_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')

#: CIFAR-100 superclasses in the official coarse label order and their five
#: fine classes each (Krizhevsky 2009, the dataset page's table)
_SUPERCLASSES = (
    ('aquatic_mammals', ('beaver', 'dolphin', 'otter', 'seal', 'whale')),
    ('fish', ('aquarium_fish', 'flatfish', 'ray', 'shark', 'trout')),
    ('flowers', ('orchid', 'poppy', 'rose', 'sunflower', 'tulip')),
    ('food_containers', ('bottle', 'bowl', 'can', 'cup', 'plate')),
    ('fruit_and_vegetables', ('apple', 'mushroom', 'orange', 'pear',
                              'sweet_pepper')),
    ('household_electrical_devices', ('clock', 'keyboard', 'lamp',
                                      'telephone', 'television')),
    ('household_furniture', ('bed', 'chair', 'couch', 'table', 'wardrobe')),
    ('insects', ('bee', 'beetle', 'butterfly', 'caterpillar', 'cockroach')),
    ('large_carnivores', ('bear', 'leopard', 'lion', 'tiger', 'wolf')),
    ('large_man-made_outdoor_things', ('bridge', 'castle', 'house', 'road',
                                       'skyscraper')),
    ('large_natural_outdoor_scenes', ('cloud', 'forest', 'mountain',
                                      'plain', 'sea')),
    ('large_omnivores_and_herbivores', ('camel', 'cattle', 'chimpanzee',
                                        'elephant', 'kangaroo')),
    ('medium_mammals', ('fox', 'porcupine', 'possum', 'raccoon', 'skunk')),
    ('non-insect_invertebrates', ('crab', 'lobster', 'snail', 'spider',
                                  'worm')),
    ('people', ('baby', 'boy', 'girl', 'man', 'woman')),
    ('reptiles', ('crocodile', 'dinosaur', 'lizard', 'snake', 'turtle')),
    ('small_mammals', ('hamster', 'mouse', 'rabbit', 'shrew', 'squirrel')),
    ('trees', ('maple_tree', 'oak_tree', 'palm_tree', 'pine_tree',
               'willow_tree')),
    ('vehicles_1', ('bicycle', 'bus', 'motorcycle', 'pickup_truck',
                    'train')),
    ('vehicles_2', ('lawn_mower', 'rocket', 'streetcar', 'tank',
                    'tractor')),
)

#: CIFAR-100 coarse class names in the official label order
CIFAR100_COARSE_CLASSES = tuple(name for name, _ in _SUPERCLASSES)
#: CIFAR-100 fine class names in the official label order (sorted by name,
#: as in the official ``meta``)
CIFAR100_CLASSES = tuple(
    sorted(fine for _, fines in _SUPERCLASSES for fine in fines))
#: fine label index -> coarse label index
CIFAR100_FINE_TO_COARSE = tuple(
    next(c for c, (_, fines) in enumerate(_SUPERCLASSES) if fine in fines)
    for fine in CIFAR100_CLASSES)

_LAYOUTS = {
    'cifar100':
    dict(
        folder='cifar-100-python',
        classes=CIFAR100_CLASSES,
        counts=dict(train=500, test=100),
        title='CIFAR-100'),
    'cifar10':
    dict(
        folder='cifar-10-batches-py',
        classes=CIFAR10_CLASSES,
        counts=dict(train=5000, test=1000),
        title='CIFAR-10'),
}
_IMAGE_SUFFIXES = ('.png', )


class ImageFolderError(ValueError):
    """A CIFAR image folder that cannot be converted (the message says why
    and how to fix it)."""


def _md5(path: str) -> str:
    digest = hashlib.md5()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _read_png(path: str) -> np.ndarray:
    """A 32x32 RGB image file as an HWC uint8 array (exact pixels)."""
    from PIL import Image
    try:
        with Image.open(path) as image:
            mode, size = image.mode, image.size
            pixels = np.asarray(image)
    except Exception as err:  # PIL raises several unrelated types
        raise ImageFolderError(
            f'{path!r} is not a readable image ({type(err).__name__}: '
            f'{err}). Replace it with the file from the dataset copy, or '
            'remove it.') from err
    if mode != 'RGB' or size != (32, 32):
        raise ImageFolderError(
            f'{path!r} is a {size[0]}x{size[1]} {mode} image; CIFAR images '
            'are 32x32 RGB. This folder is not a lossless CIFAR copy (was it '
            'resized or re-encoded?): use the original 32x32 PNG files.')
    return pixels


def _list_split(src: str, split: str, classes: Sequence[str],
                title: str) -> List[Tuple[int, str]]:
    """(label, file path) of every image of one split, checked."""
    split_dir = osp.join(src, split)
    if not osp.isdir(split_dir):
        raise ImageFolderError(
            f'{title}: {split_dir!r} does not exist. The source folder must '
            f'hold train/ and test/, each with one sub-folder per class '
            f'(train/{classes[0]}/*.png ...); pass the extracted dataset '
            'folder itself.')
    found = sorted(d for d in os.listdir(split_dir)
                   if osp.isdir(osp.join(split_dir, d)))
    unknown = sorted(set(found) - set(classes))
    if unknown:
        raise ImageFolderError(
            f'{title}: {split_dir!r} has folders that are not {title} class '
            f'names: {unknown[:10]}. The folders must be named with the '
            f'official class names (e.g. {list(classes[:3])}); rename or '
            'remove these (is this the other CIFAR dataset?).')
    missing = [c for c in classes if c not in found]
    if missing:
        raise ImageFolderError(
            f'{title}: {split_dir!r} lacks the class folders {missing[:10]}'
            f'{" ..." if len(missing) > 10 else ""} ({len(missing)} of '
            f'{len(classes)} missing). Extract the complete dataset.')
    items = []
    for label, name in enumerate(classes):
        files = sorted(
            f for f in os.listdir(osp.join(split_dir, name))
            if f.lower().endswith(_IMAGE_SUFFIXES))
        items.extend((label, osp.join(split_dir, name, f)) for f in files)
    if not items:
        raise ImageFolderError(
            f'{title}: split {split!r} in {split_dir!r} has no .png '
            'images. Extract the complete dataset (the PNG files under '
            f'{split}/<class>/).')
    return items


def _check_counts(items: List[Tuple[int, str]], split: str,
                  expected: int, classes: Sequence[str], title: str,
                  split_dir: str) -> Optional[str]:
    """None if every class has the official count, else a description."""
    counts = np.bincount([label for label, _ in items],
                         minlength=len(classes))
    wrong = [(classes[c], int(n)) for c, n in enumerate(counts)
             if n != expected]
    if not wrong:
        return None
    return (f'{title} {split}: {len(wrong)} classes do not have the '
            f'official {expected} images ({wrong[:5]}'
            f'{" ..." if len(wrong) > 5 else ""}) in {split_dir!r}')


def read_conversion_record(folder: str) -> Optional[Dict]:
    """The converter's record in a CIFAR folder, or None if there is none.

    Args:
        folder (str): A ``cifar-100-python`` / ``cifar-10-batches-py``
            folder.

    Returns:
        dict | None: The parsed ``mmslkd_conversion.json``.
    """
    path = osp.join(folder, CONVERSION_RECORD)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def convert_cifar_image_folders(src: str,
                                dst: str,
                                dataset: Optional[str] = None,
                                seed: int = 0,
                                allow_partial: bool = False,
                                overwrite: bool = False,
                                log=print) -> Dict:
    """Convert a CIFAR image folder to the official python layout.

    Args:
        src (str): Folder with ``train/<class>/*.png`` and
            ``test/<class>/*.png``.
        dst (str): Data root to write into; the batches go to
            ``dst/cifar-100-python`` or ``dst/cifar-10-batches-py``.
        dataset (str, optional): ``'cifar100'`` or ``'cifar10'``. None
            infers it from the class folders of ``src/train``.
        seed (int): Seed of the fixed shuffle of each split. Defaults to 0.
        allow_partial (bool): Convert a folder whose classes do not all have
            the official image count (a subset); the result is then not
            CIFAR and must be read with the ``*Format`` dataset types.
            Defaults to False (refuse).
        overwrite (bool): Replace an existing output folder. Defaults to
            False (refuse).
        log (callable): Receives progress and summary lines.

    Returns:
        dict: The conversion record (also written as
        ``mmslkd_conversion.json``): counts, md5 sums, per-channel mean and
        std of the training images (0-1 scale).
    """
    src = osp.abspath(src)
    if not osp.isdir(src):
        raise ImageFolderError(
            f'{src!r} does not exist or is not a folder. Pass the extracted '
            'dataset folder that holds train/ and test/.')
    if dataset is None:
        train_dir = osp.join(src, 'train')
        names = set(os.listdir(train_dir)) if osp.isdir(train_dir) else set()
        best = max(_LAYOUTS, key=lambda k: len(names & set(
            _LAYOUTS[k]['classes'])))
        if not names & set(_LAYOUTS[best]['classes']):
            raise ImageFolderError(
                f'{src!r}: cannot tell CIFAR-10 from CIFAR-100: '
                f'{train_dir!r} has no folder named after a CIFAR class. '
                'Pass the extracted dataset folder (train/<class>/*.png), '
                'or name the dataset with --dataset.')
        dataset = best
    if dataset not in _LAYOUTS:
        raise ImageFolderError(
            f'dataset must be one of {sorted(_LAYOUTS)}, got {dataset!r}.')
    layout = _LAYOUTS[dataset]
    title, classes = layout['title'], layout['classes']
    out = osp.join(osp.abspath(dst), layout['folder'])
    if osp.exists(out) and not overwrite:
        raise ImageFolderError(
            f'{out!r} already exists. Remove it, choose another data root, '
            'or pass --overwrite to replace it.')

    splits, problems = {}, []
    for split in ('train', 'test'):
        items = _list_split(src, split, classes, title)
        problem = _check_counts(items, split, layout['counts'][split],
                                classes, title, osp.join(src, split))
        if problem:
            problems.append(problem)
        splits[split] = items
    if problems and not allow_partial:
        raise ImageFolderError(
            '; '.join(problems) + '. Extract the complete dataset, or pass '
            '--allow-partial to convert a subset (read it with type '
            f"'{'CIFAR100Format' if dataset == 'cifar100' else 'CIFAR10Format'}"
            "', which does not claim to be the official data).")

    arrays = {}
    for split, items in splits.items():
        order = np.random.RandomState(seed).permutation(len(items))
        items = [items[i] for i in order]
        log(f'reading {len(items)} {split} images of {src} ...')
        images = np.stack([_read_png(path) for _, path in items])
        arrays[split] = dict(
            data=images.transpose(0, 3, 1, 2).reshape(len(items), -1),
            labels=[label for label, _ in items],
            filenames=[osp.basename(path) for _, path in items])

    train = arrays['train']['data'].reshape(-1, 3, 32 * 32) / 255.0
    mean = train.mean(axis=(0, 2))
    std = train.std(axis=(0, 2))

    parent = osp.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = osp.join(parent, f'.{layout["folder"]}.partial-{os.getpid()}')
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        files = _write_batches(tmp, dataset, arrays, classes)
        record = dict(
            format=layout['folder'],
            converted_by='tools/dataset_converters/cifar_folders_to_python.py',
            source=src,
            seed=seed,
            complete=not problems,
            counts={s: len(a['labels'])
                    for s, a in arrays.items()},
            md5={f: _md5(osp.join(tmp, f))
                 for f in files},
            train_mean=[round(float(m), 4) for m in mean],
            train_std=[round(float(s), 4) for s in std])
        with open(osp.join(tmp, CONVERSION_RECORD), 'w') as f:
            json.dump(record, f, indent=2)
        if osp.exists(out):
            old = f'{out}.old-{os.getpid()}'
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(f'wrote {out}: {record["counts"]["train"]} train / '
        f'{record["counts"]["test"]} test images, {len(classes)} classes')
    log('train per-channel mean (R, G, B): ' +
        ', '.join(f'{m:.4f}' for m in mean) + '; std: ' +
        ', '.join(f'{s:.4f}' for s in std))
    return record


def _write_batches(folder: str, dataset: str, arrays: Dict,
                   classes: Sequence[str]) -> List[str]:
    """Write the official file set for ``dataset``; returns the names."""

    def dump(name, obj):
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump(obj, f, protocol=4)

    if dataset == 'cifar100':
        for split, batch_label in (('train', 'training batch 1 of 1'),
                                   ('test', 'testing batch 1 of 1')):
            a = arrays[split]
            dump(
                split,
                dict(
                    filenames=a['filenames'],
                    batch_label=batch_label,
                    fine_labels=a['labels'],
                    coarse_labels=[
                        CIFAR100_FINE_TO_COARSE[lb] for lb in a['labels']
                    ],
                    data=a['data']))
        dump(
            'meta',
            dict(
                fine_label_names=list(classes),
                coarse_label_names=list(CIFAR100_COARSE_CLASSES)))
        return ['train', 'test', 'meta']

    names = []
    train = arrays['train']
    chunks = np.array_split(np.arange(len(train['labels'])), 5)
    for i, idx in enumerate(chunks, 1):
        dump(
            f'data_batch_{i}',
            dict(
                batch_label=f'training batch {i} of 5',
                labels=[train['labels'][j] for j in idx],
                data=train['data'][idx],
                filenames=[train['filenames'][j] for j in idx]))
        names.append(f'data_batch_{i}')
    test = arrays['test']
    dump(
        'test_batch',
        dict(
            batch_label='testing batch 1 of 1',
            labels=test['labels'],
            data=test['data'],
            filenames=test['filenames']))
    dump(
        'batches.meta',
        dict(
            label_names=list(classes),
            num_cases_per_batch=10000,
            num_vis=3072))
    return names + ['test_batch', 'batches.meta']

# Copyright (c) mmslkd contributors. All rights reserved.
"""Tiny ImageNet (200 classes, 64x64) from its official folder layout."""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

from mmpretrain.datasets import BaseDataset

from mmslkd.registry import DATASETS
from mmslkd.utils.validation import check_number

__all__ = ['TinyImageNet']

_IMAGE_SUFFIXES = ('.jpeg', '.jpg', '.png')


@DATASETS.register_module()
class TinyImageNet(BaseDataset):
    """Tiny ImageNet from the official ``tiny-imagenet-200`` folder.

    Layout (as distributed by the CS231n course, e.g. the snapshot
    github:seshuad/IMagenet)::

        data_root/
            wnids.txt                 the 200 WordNet ids
            words.txt                 WordNet id -> names (all of ImageNet)
            train/<wnid>/images/*.JPEG            500 per class
            val/images/*.JPEG + val/val_annotations.txt   50 per class
            test/images/*.JPEG        unlabelled (never released labels)

    Class indices follow the sorted WordNet ids (the order of
    ``torchvision.datasets.ImageFolder`` over ``train/``, which most Tiny
    ImageNet code uses; ``wnids.txt`` lists them in another order). Class
    names are the first name of each id in ``words.txt``. A few images are
    greyscale: ``LoadImageFromFile`` (``color_type='color'``, its default)
    decodes every image to 3 channels, so greyscale ones become RGB with
    equal channels. Every layout problem raises before training with the
    folder and the fix.

    Args:
        data_root (str): The ``tiny-imagenet-200`` folder.
        split (str): ``'train'`` or ``'val'`` (the labelled evaluation split;
            ``'test'`` has no labels and is refused).
        samples_per_class (int, optional): Keep the first N images of each
            class (sorted by file name), a class-balanced subset. Defaults
            to None (all).
        **kwargs: Passed to MMPretrain's ``BaseDataset`` (``pipeline``...).
    """

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 samples_per_class: Optional[int] = None,
                 **kwargs):
        if split not in ('train', 'val'):
            raise ValueError(
                f"TinyImageNet: split must be 'train' or 'val', got "
                f'{split!r}. The official test split has no labels; '
                "evaluate on 'val' (what Tiny ImageNet results report).")
        if samples_per_class is not None:
            check_number('samples_per_class', samples_per_class,
                         'TinyImageNet', positive=True, integer=True,
                         why='or None: all images')
        self.split = split
        self.samples_per_class = samples_per_class
        self._check_root(data_root)
        wnids = self._read_wnids(data_root)
        names = self._class_names(data_root, wnids)
        self._wnids = wnids
        super().__init__(
            ann_file='',
            data_root=data_root,
            metainfo=dict(classes=names, wnids=wnids),
            **kwargs)

    # -- layout --------------------------------------------------------
    @staticmethod
    def _check_root(root: str) -> None:
        if not osp.isdir(root):
            raise FileNotFoundError(
                f'TinyImageNet: data_root {root!r} does not exist. Set it to '
                'the extracted tiny-imagenet-200 folder (with wnids.txt, '
                'words.txt, train/ and val/).')
        missing = [
            name for name in ('wnids.txt', 'words.txt', 'train', 'val')
            if not osp.exists(osp.join(root, name))
        ]
        if missing:
            raise FileNotFoundError(
                f'TinyImageNet: {root!r} lacks {missing}. data_root must be '
                'the tiny-imagenet-200 folder itself (it holds wnids.txt, '
                'words.txt, train/ and val/); re-extract the dataset if '
                'they are missing.')

    @staticmethod
    def _read_wnids(root: str) -> List[str]:
        path = osp.join(root, 'wnids.txt')
        with open(path) as f:
            wnids = [line.strip() for line in f if line.strip()]
        if not wnids or len(set(wnids)) != len(wnids):
            raise ValueError(
                f'TinyImageNet: {path!r} must list distinct WordNet ids, one '
                f'a line; found {len(wnids)} lines, '
                f'{len(set(wnids))} distinct. Re-extract the dataset.')
        return sorted(wnids)

    @staticmethod
    def _class_names(root: str, wnids: Sequence[str]) -> List[str]:
        path = osp.join(root, 'words.txt')
        wanted, names = set(wnids), {}
        with open(path) as f:
            for line in f:
                wnid, _, words = line.rstrip('\n').partition('\t')
                if wnid in wanted:
                    names[wnid] = words.split(',')[0].strip()
        missing = [w for w in wnids if w not in names]
        if missing:
            raise ValueError(
                f'TinyImageNet: {path!r} has no names for {missing[:5]}'
                f'{" ..." if len(missing) > 5 else ""}. Re-extract '
                'words.txt from the dataset.')
        return [names[w] for w in wnids]

    def _train_items(self) -> List[Dict]:
        root = osp.join(self.data_root, 'train')
        missing = [
            w for w in self._wnids
            if not osp.isdir(osp.join(root, w, 'images'))
        ]
        if missing:
            raise FileNotFoundError(
                f'TinyImageNet: {root!r} lacks the class folders '
                f'{[osp.join(w, "images") for w in missing[:5]]}'
                f'{" ..." if len(missing) > 5 else ""} ({len(missing)} of '
                f'{len(self._wnids)} classes of wnids.txt). Extract the '
                'complete dataset.')
        items = []
        for label, wnid in enumerate(self._wnids):
            folder = osp.join(root, wnid, 'images')
            files = sorted(f for f in os.listdir(folder)
                           if f.lower().endswith(_IMAGE_SUFFIXES))
            if not files:
                raise ValueError(
                    f'TinyImageNet: {folder!r} holds no images. Extract the '
                    'complete dataset.')
            items.extend(
                dict(img_path=osp.join(folder, f), gt_label=label)
                for f in files)
        return items

    def _val_items(self) -> List[Dict]:
        root = osp.join(self.data_root, 'val')
        ann = osp.join(root, 'val_annotations.txt')
        if not osp.isfile(ann):
            raise FileNotFoundError(
                f'TinyImageNet: {ann!r} does not exist; the val split needs '
                'it (file name, WordNet id, box per line). Extract the '
                'complete dataset.')
        label_of = {w: i for i, w in enumerate(self._wnids)}
        items = []
        with open(ann) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                fields = line.split('\t')
                if len(fields) < 2 or fields[1].strip() not in label_of:
                    raise ValueError(
                        f'TinyImageNet: line {number} of {ann!r} ('
                        f'{line.strip()!r}) does not name an image and one '
                        'of the WordNet ids of wnids.txt. Re-extract the '
                        'dataset.')
                path = osp.join(root, 'images', fields[0].strip())
                if not osp.isfile(path):
                    raise FileNotFoundError(
                        f'TinyImageNet: {path!r}, listed on line {number} '
                        f'of {ann!r}, does not exist. Extract the complete '
                        'dataset.')
                items.append(
                    dict(img_path=path, gt_label=label_of[fields[1].strip()]))
        return sorted(items, key=lambda item: item['img_path'])

    def load_data_list(self) -> List[Dict]:
        """Read the split's image paths and labels.

        Returns:
            list[dict]: ``{'img_path', 'gt_label'}`` per image.
        """
        items = self._train_items() if self.split == 'train' \
            else self._val_items()
        if not items:
            raise ValueError(
                f'TinyImageNet: split {self.split!r} in {self.data_root!r} '
                'has no images. Extract the complete dataset.')
        if self.samples_per_class is not None:
            taken, kept = {}, []
            for item in items:
                label = item['gt_label']
                if taken.get(label, 0) < self.samples_per_class:
                    taken[label] = taken.get(label, 0) + 1
                    kept.append(item)
            short = sorted((self._wnids[c], n) for c, n in taken.items()
                           if n < self.samples_per_class)
            if short:
                raise ValueError(
                    f'TinyImageNet: samples_per_class='
                    f'{self.samples_per_class}, but split {self.split!r} has '
                    f'fewer images in {short[:5]}. Lower samples_per_class '
                    'or use all images (None).')
            items = kept
        return items

# Copyright (c) mmslkd contributors. All rights reserved.
"""CIFAR-10/100 from local folders: the official files (md5-checked), the
same data converted from the lossless image folders (checked against the
converter's record), or any folder in the same format (generated data,
subsets), never downloaded."""
import functools
import hashlib
import io
import os
import os.path as osp
import pickle
from typing import Dict, List, Optional

import numpy as np
from mmengine.logging import print_log
from mmpretrain.datasets import CIFAR10 as MMPretrainCIFAR10
from mmpretrain.datasets import CIFAR100 as MMPretrainCIFAR100

from mmslkd.registry import DATASETS
from mmslkd.utils.validation import check_number
from .cifar_image_folders import CONVERSION_RECORD, read_conversion_record

__all__ = ['CIFAR10', 'CIFAR100', 'CIFAR10Format', 'CIFAR100Format']

# The only globals a CIFAR batch pickle needs: numpy arrays and their dtypes.
_SAFE_PICKLE_GLOBALS = {
    ('numpy.core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'),
    ('numpy._core.multiarray', 'scalar'),
    ('numpy', 'ndarray'),
    ('numpy', 'dtype'),
}


class _CIFARUnpickler(pickle.Unpickler):
    """Unpickler that builds numpy arrays and builtins, nothing else."""

    def find_class(self, module, name):
        if (module, name) in _SAFE_PICKLE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f'refusing to load {module}.{name}: a CIFAR batch holds only '
            'arrays, lists and strings')


@functools.lru_cache(maxsize=64)
def _md5(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.md5()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def file_md5(path: str) -> str:
    """md5 of a file, cached per (path, size, mtime) within the process."""
    stat = os.stat(path)
    return _md5(path, stat.st_size, stat.st_mtime_ns)


class _LocalCIFARMixin:
    """Shared loading of the CIFAR python-pickle format.

    Subclasses set ``verify_md5``. ``download`` is refused: nothing is ever
    fetched at run time. Every problem raises an error that names the file
    and the fix before training starts. ``samples_per_class`` keeps the
    first N images of each class in file order (a class-balanced subset).
    """

    verify_md5: bool = True
    label_key: str = 'labels'
    format_type: str = ''

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 download: bool = False,
                 samples_per_class: Optional[int] = None,
                 **kwargs):
        if samples_per_class is not None:
            check_number('samples_per_class', samples_per_class,
                         type(self).__name__, positive=True, integer=True,
                         why='or None: all images')
        self.samples_per_class = samples_per_class
        if download:
            raise ValueError(
                f'{type(self).__name__} never downloads (training machines '
                'are often offline, and a silent download can hide a wrong '
                f'data_root). Fetch {self.url} yourself and extract it into '
                f'data_root ({data_root!r}).')
        super().__init__(
            data_root=data_root, split=split, download=False, **kwargs)

    @property
    def folder(self) -> str:
        """Folder that holds the batch files."""
        return osp.join(self.data_prefix['root'], self.base_folder)

    def _fix_hint(self) -> str:
        if self.verify_md5:
            return (f'For generated or subset data in the CIFAR format, use '
                    f"type='{self.format_type}', which skips the md5 check.")
        return ''

    def _check_integrity(self) -> bool:
        """Check that every file exists (and has the official md5)."""
        name = type(self).__name__
        if not osp.isdir(self.folder):
            raise FileNotFoundError(
                f'{name}: data folder {self.folder!r} does not exist. '
                f'Set data_root to the folder that contains '
                f'{self.base_folder!r} (extracted from {self.url}). ' +
                self._fix_hint())
        entries = self.train_list + self.test_list
        record = read_conversion_record(self.folder) if self.verify_md5 \
            else None
        for filename, md5 in entries:
            path = osp.join(self.folder, filename)
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'{name}: {path!r} is missing; a CIFAR folder needs '
                    f'{[e[0] for e in entries]}.')
            if self.verify_md5 and md5 is not None:
                actual = file_md5(path)
                if record is not None and actual != md5:
                    self._check_converted(path, filename, actual, record)
                elif actual != md5:
                    raise ValueError(
                        f'{name}: {path!r} has md5 {actual}, but the official '
                        f'file has {md5}: it is corrupt or not the official '
                        'release. Re-extract it from the official archive. ' +
                        self._fix_hint())
        return True

    def _check_converted(self, path: str, filename: str, actual: str,
                         record: Dict) -> None:
        """Accept a file of a complete conversion from the lossless image
        folders (same pixels and split, another order) whose md5 matches the
        converter's record; refuse anything else."""
        name = type(self).__name__
        where = osp.join(self.folder, CONVERSION_RECORD)
        if not record.get('complete'):
            raise ValueError(
                f'{name}: {self.folder!r} was converted from an incomplete '
                f'image folder ({where} says complete=false), so it is not '
                f'the official data. Read it with type='
                f"'{self.format_type}', or convert the complete dataset.")
        if record.get('md5', {}).get(filename) != actual:
            raise ValueError(
                f'{name}: {path!r} has md5 {actual}, which matches neither '
                f'the official file nor the converter record {where}: it '
                'was damaged or edited after conversion. Convert again with '
                'tools/dataset_converters/cifar_folders_to_python.py '
                '--overwrite.')
        if not getattr(self, '_converted_logged', False):
            self._converted_logged = True
            print_log(
                f'{name}: {self.folder} was converted from lossless image '
                f'folders ({record.get("source")}); same images and split '
                'as the official files, another file order; md5 sums '
                'checked against its conversion record.',
                logger='current')

    def _read_batch(self, path: str) -> Dict:
        with open(path, 'rb') as f:
            raw = f.read()
        try:
            entry = _CIFARUnpickler(io.BytesIO(raw), encoding='latin1').load()
        except Exception as err:
            raise ValueError(
                f'{type(self).__name__}: {path!r} is not a CIFAR batch '
                f'(python pickle of a dict with "data" and '
                f'"{self.label_key}"): {err}. The file is damaged: '
                're-extract the dataset from the official archive (or '
                'regenerate the folder).') from err
        if not isinstance(entry, dict) or 'data' not in entry or (
                self.label_key not in entry):
            keys = list(entry) if isinstance(entry, dict) else type(entry)
            raise ValueError(
                f'{type(self).__name__}: {path!r} must hold a dict with '
                f'"data" and "{self.label_key}", found {keys}. Point '
                'data_root at a CIFAR folder of this format (CIFAR-10 and '
                'CIFAR-100 differ in their label keys).')
        return entry

    def load_data_list(self) -> List[dict]:
        """Read the split's batches into ``{'img', 'gt_label'}`` dicts."""
        self._check_integrity()
        name = type(self).__name__
        files = self.train_list if self.split == 'train' else self.test_list
        imgs, labels = [], []
        for filename, _ in files:
            path = osp.join(self.folder, filename)
            entry = self._read_batch(path)
            data = np.asarray(entry['data'])
            if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
                raise ValueError(
                    f'{name}: {path!r} has images of shape '
                    f'{tuple(data.shape)}; CIFAR rows are 32x32x3 = 3072 '
                    'uint8 values (channel-major). Resize the images to '
                    '32x32 or use a dataset type for other sizes.')
            batch_labels = list(entry[self.label_key])
            if len(batch_labels) != len(data):
                raise ValueError(f'{name}: {path!r} has {len(data)} images '
                                 f'but {len(batch_labels)} labels.')
            imgs.append(data.astype(np.uint8))
            labels.extend(int(label) for label in batch_labels)
        num_classes = len(self.CLASSES)
        if not labels:
            raise ValueError(
                f'{name}: split {self.split!r} in {self.folder!r} has no '
                'images, so there is nothing to train or test on. Point '
                'data_root at a folder whose batches hold images.')
        bad = sorted({lb for lb in labels if not 0 <= lb < num_classes})
        if bad:
            raise ValueError(
                f'{name}: labels {bad[:10]} in {self.folder!r} are outside '
                f'[0, {num_classes}); this dataset has {num_classes} '
                'classes. Use the dataset type of the data (CIFAR10Format / '
                'CIFAR100Format) or fix the labels.')
        images = np.concatenate(imgs).reshape(-1, 3, 32,
                                              32).transpose(0, 2, 3, 1)
        if self.samples_per_class is not None:
            keep = self._first_per_class(np.asarray(labels), num_classes)
            images = images[keep]
            labels = [labels[i] for i in keep]
        return [
            dict(img=img, gt_label=label)
            for img, label in zip(images, labels)
        ]


    def _first_per_class(self, labels: np.ndarray,
                         num_classes: int) -> np.ndarray:
        """Indices of the first ``samples_per_class`` images of each class,
        in file order."""
        counts = np.bincount(labels, minlength=num_classes)
        short = [(c, int(n)) for c, n in enumerate(counts)
                 if 0 < n < self.samples_per_class]
        if short:
            raise ValueError(
                f'{type(self).__name__}: samples_per_class='
                f'{self.samples_per_class}, but split {self.split!r} in '
                f'{self.folder!r} has fewer images in classes (class, '
                f'count) {short[:5]}. Lower samples_per_class to at most '
                f'{min(n for _, n in short)}, or use all images (None).')
        keep = []
        for cls in range(num_classes):
            keep.extend(np.flatnonzero(labels == cls)[:self.samples_per_class])
        return np.sort(np.asarray(keep, dtype=np.int64))


@DATASETS.register_module()
class CIFAR10(_LocalCIFARMixin, MMPretrainCIFAR10):
    """The official CIFAR-10 python files, md5-checked, never downloaded.

    Same folder layout as MMPretrain's ``CIFAR10``
    (``data_root/cifar-10-batches-py``); clearer errors, and batches are
    read with an unpickler that only builds arrays.

    Args:
        data_root (str): Folder containing ``cifar-10-batches-py``.
        split (str): ``'train'`` or ``'test'``.
        download (bool): Must be False (the default).
        samples_per_class (int, optional): Keep only the first N images of
            each class, in file order (a class-balanced subset). Defaults
            to None (all images).
        **kwargs: Passed to MMPretrain's ``BaseDataset`` (``pipeline``...).
    """
    label_key = 'labels'
    format_type = 'mmslkd.CIFAR10Format'


@DATASETS.register_module()
class CIFAR100(_LocalCIFARMixin, MMPretrainCIFAR100):
    """The official CIFAR-100 python files, md5-checked, never downloaded.

    Same folder layout as MMPretrain's ``CIFAR100``
    (``data_root/cifar-100-python``), fine labels; clearer errors, and
    batches are read with an unpickler that only builds arrays.

    Args:
        data_root (str): Folder containing ``cifar-100-python``.
        split (str): ``'train'`` or ``'test'``.
        download (bool): Must be False (the default).
        samples_per_class (int, optional): Keep only the first N images of
            each class, in file order (a class-balanced subset). Defaults
            to None (all images).
        **kwargs: Passed to MMPretrain's ``BaseDataset`` (``pipeline``...).
    """
    label_key = 'fine_labels'
    format_type = 'mmslkd.CIFAR100Format'


@DATASETS.register_module()
class CIFAR10Format(CIFAR10):
    """Any folder in the CIFAR-10 format: generated data or subsets.

    Like :class:`CIFAR10` (files, shapes and labels are checked) except that
    the md5 of the official release is not required. Choosing this type is
    the explicit way to train on such folders; the official types never
    skip their checks.
    """
    verify_md5 = False


@DATASETS.register_module()
class CIFAR100Format(CIFAR100):
    """Any folder in the CIFAR-100 format: generated data or subsets.

    Like :class:`CIFAR100` (files, shapes and labels are checked) except
    that the md5 of the official release is not required. Choosing this type
    is the explicit way to train on such folders; the official types never
    skip their checks.
    """
    verify_md5 = False

# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Sequence, Tuple, Union

import numpy as np
import torch
from mmpretrain.structures import DataSample
from torch.utils.data import Dataset

from mmslkd.registry import DATASETS, FUNCTIONS


def dataset_arrays(dataset) -> Tuple[np.ndarray, np.ndarray]:
    """Every image and label of a dataset, read once, without its pipeline.

    Args:
        dataset: An MMEngine dataset whose ``get_data_info(i)`` gives
            ``img`` (H, W, C) uint8 and ``gt_label``.

    Returns:
        tuple: Images (N, H, W, C) uint8 and labels (N, ) int64.
    """
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    images = np.stack([np.asarray(info['img']) for info in infos])
    if images.dtype != np.uint8 or images.ndim != 4:
        raise ValueError(
            'expected uint8 (H, W, C) images of one size; the dataset gives '
            f'{images.dtype} arrays of shape {images.shape[1:]}.')
    labels = np.array([int(info['gt_label']) for info in infos])
    return images, labels


@DATASETS.register_module()
class DeviceResidentDataset(Dataset):
    """A small image dataset held whole, as one uint8 tensor, on the
    training device; batches are gathered there by index.

    For CIFAR-sized data a per-sample Python pipeline cannot feed a modern
    GPU. Here the wrapped dataset is read once (its ``pipeline`` is not
    used), and ``__getitems__`` returns a whole batch (``inputs`` (B, C, H,
    W) uint8 on the device, ``data_samples``) that the DataLoader passes
    through with ``collate_fn=dict(type='mmslkd.batch_collate')``; random
    crop, flip and normalisation then run batched on the device in
    :class:`~mmslkd.models.data_preprocessors.BatchAugmentClsDataPreprocessor`.
    Any sampler works (``DefaultSampler``, distributed or not). Use
    ``num_workers=0``: there is nothing left for workers to do.
    ``configs/_base_/datasets/cifar100_bs64_device.py`` sets it all up.

    Args:
        dataset (dict | Dataset): The dataset to hold (an MMEngine dataset
            whose ``get_data_info(i)`` gives ``img`` (H, W, C) uint8 and
            ``gt_label``).
        device (str): ``'auto'`` (CUDA when available, else CPU; default),
            or a device name. The data moves there at the first batch.
    """

    def __init__(self,
                 dataset: Union[dict, Dataset],
                 device: str = 'auto') -> None:
        self.dataset = DATASETS.build(dataset) if isinstance(dataset,
                                                             dict) else dataset
        infos = [
            self.dataset.get_data_info(i) for i in range(len(self.dataset))
        ]
        images = np.stack([np.asarray(info['img']) for info in infos])
        if images.dtype != np.uint8 or images.ndim != 4:
            raise ValueError(
                'DeviceResidentDataset holds uint8 (H, W, C) images of one '
                f'size; the dataset gives {images.dtype} arrays of shape '
                f'{images.shape[1:]}.')
        self.images = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
        self.labels = torch.tensor([int(info['gt_label']) for info in infos])
        self.device = device
        self._on_device = False

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's meta information (classes...)."""
        return self.dataset.metainfo

    def get_data_info(self, index: int) -> dict:
        """The wrapped dataset's record ``index``."""
        return self.dataset.get_data_info(index)

    def __len__(self) -> int:
        return len(self.labels)

    def _to_device(self) -> None:
        if self._on_device:
            return
        device = self.device
        if device == 'auto':
            device = 'cuda' if torch.cuda.is_available() else 'cpu'
        self.images = self.images.to(device)
        self.labels = self.labels.to(device)
        self._on_device = True

    def __getitems__(self, indices: Sequence[int]) -> dict:
        """A whole batch: ``inputs`` (B, C, H, W) uint8 and
        ``data_samples``, on the device."""
        self._to_device()
        index = torch.as_tensor(indices, device=self.images.device)
        labels = self.labels[index]
        return dict(
            inputs=self.images[index],
            data_samples=[
                DataSample().set_gt_label(label) for label in labels[:, None]
            ])

    def __getitem__(self, index: int) -> dict:
        """One sample, as ``PackInputs`` gives it."""
        batch = self.__getitems__([index])
        return dict(
            inputs=batch['inputs'][0], data_samples=batch['data_samples'][0])


@FUNCTIONS.register_module()
def batch_collate(batch: dict) -> dict:
    """Collate for :class:`DeviceResidentDataset`: its batches come whole
    from ``__getitems__`` and pass through unchanged."""
    return batch

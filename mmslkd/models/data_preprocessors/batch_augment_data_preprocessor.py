# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Optional, Tuple

import torch
from mmpretrain.models.utils import ClsDataPreprocessor

from mmslkd.registry import MODELS


def random_crop_flip(
    images: torch.Tensor,
    padding: int = 4,
    flip_prob: float = 0.5,
    pad_value: float = 0.0,
    generator: Optional[torch.Generator] = None
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """CIFAR augmentation for a whole batch at once, on its device.

    The same distribution as MMPretrain's per-image pipeline
    ``RandomCrop(crop_size=H, padding=p)`` + ``RandomFlip(prob)``
    (horizontal): each image is padded by ``p`` pixels of ``pad_value`` on
    every side, a window of the original size is taken at an offset drawn
    uniformly from ``0..2p`` in each direction, and it is mirrored
    left-right with probability ``flip_prob``, independently per image.

    Args:
        images (Tensor): (B, C, H, W) images, any dtype.
        padding (int): Pixels of padding per side. Defaults to 4.
        flip_prob (float): Probability of a horizontal flip. Defaults to 0.5.
        pad_value (float): Fill of the padding. Defaults to 0 (MMPretrain's
            ``pad_val``).
        generator (torch.Generator, optional): Random source (on the images'
            device); default: torch's global one.

    Returns:
        tuple: The augmented (B, C, H, W) batch, and per image the vertical
        and horizontal offsets (B,) and whether it was flipped (B,).
    """
    batch, _, height, width = images.shape
    device = images.device
    padded = torch.nn.functional.pad(
        images, (padding, ) * 4, mode='constant', value=pad_value)
    offset_y = torch.randint(
        0, 2 * padding + 1, (batch, ), device=device, generator=generator)
    offset_x = torch.randint(
        0, 2 * padding + 1, (batch, ), device=device, generator=generator)
    flips = torch.rand(batch, device=device, generator=generator) < flip_prob
    rows = offset_y[:, None] + torch.arange(height, device=device)
    cols = offset_x[:, None] + torch.arange(width, device=device)
    # mirroring the window == reading its columns right to left
    cols = torch.where(flips[:, None], cols.flip(1), cols)
    index = torch.arange(batch, device=device)[:, None, None, None]
    channel = torch.arange(images.shape[1], device=device)[None, :, None, None]
    out = padded[index, channel, rows[:, None, :, None], cols[:, None,
                                                              None, :]]
    return out, offset_y, offset_x, flips


@MODELS.register_module()
class BatchAugmentClsDataPreprocessor(ClsDataPreprocessor):
    """MMPretrain's ``ClsDataPreprocessor`` that also does the CIFAR training
    augmentation (random crop with padding, horizontal flip) on the batch,
    on the model's device.

    For 32x32 data a per-image Python pipeline cannot keep a modern GPU
    busy; with this preprocessor the dataset pipeline is only
    ``PackInputs``, and crop, flip and normalisation run batched where the
    model runs. The augmentation has the same distribution as
    ``RandomCrop(32, padding=4)`` + ``RandomFlip(0.5)`` (see
    :func:`random_crop_flip`); it is applied in training only.

    Args:
        crop_padding (int): Padding of the random crop. Defaults to 4.
        flip_prob (float): Horizontal-flip probability. Defaults to 0.5.
        pad_value (float): Padding fill, in raw pixel values (before
            normalisation). Defaults to 0.
        **kwargs: ``ClsDataPreprocessor`` arguments (``mean``, ``std``,
            ``to_rgb``, ``num_classes``...).
    """

    def __init__(self,
                 crop_padding: int = 4,
                 flip_prob: float = 0.5,
                 pad_value: float = 0.0,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if crop_padding < 0 or not 0 <= flip_prob <= 1:
            raise ValueError('crop_padding must be >= 0 and flip_prob in '
                             f'[0, 1], got {crop_padding}, {flip_prob}.')
        self.crop_padding = crop_padding
        self.flip_prob = flip_prob
        self.pad_value = pad_value

    def forward(self, data: dict, training: bool = False) -> dict:
        """Augment (in training), then normalise as the parent does.

        Args:
            data (dict): ``inputs`` (list of (C, H, W) tensors or a batch)
                and ``data_samples``.
            training (bool): Whether this is a training batch.

        Returns:
            dict: ``inputs`` (B, C, H, W) float and ``data_samples``.
        """
        if training:
            inputs = data['inputs']
            if isinstance(inputs, (list, tuple)):
                inputs = torch.stack(list(inputs))
            inputs = self.cast_data(inputs)
            inputs, *_ = random_crop_flip(inputs, self.crop_padding,
                                          self.flip_prob, self.pad_value)
            data = dict(data, inputs=inputs)
        return super().forward(data, training)

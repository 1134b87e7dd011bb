# Copyright (c) mmslkd contributors. All rights reserved.
"""The batched, on-device CIFAR augmentation has the distribution of
MMPretrain's RandomCrop(32, padding=4) + RandomFlip(0.5), exactly per
draw, and leaves evaluation batches alone."""
import numpy as np
import torch
from mmpretrain.structures import DataSample

from mmslkd.models.data_preprocessors import (BatchAugmentClsDataPreprocessor,
                                              random_crop_flip)


def reference(image, offset_y, offset_x, flip, padding=4):
    """What MMPretrain's pipeline gives for these draws (numpy, HWC)."""
    hwc = image.permute(1, 2, 0).numpy()
    padded = np.pad(hwc, ((padding, padding), (padding, padding), (0, 0)))
    crop = padded[offset_y:offset_y + 32, offset_x:offset_x + 32]
    return crop[:, ::-1] if flip else crop


def test_each_draw_equals_the_per_image_pipeline():
    gen = torch.Generator().manual_seed(0)
    images = torch.randint(
        0, 256, (64, 3, 32, 32), dtype=torch.uint8, generator=gen)
    out, oy, ox, flips = random_crop_flip(images, generator=gen)
    assert out.shape == images.shape and out.dtype == torch.uint8
    for i in range(64):
        expected = reference(images[i], int(oy[i]), int(ox[i]), bool(flips[i]))
        np.testing.assert_array_equal(out[i].permute(1, 2, 0).numpy(),
                                      expected)


def test_all_offsets_and_both_flips_occur_uniformly():
    gen = torch.Generator().manual_seed(1)
    images = torch.full((20000, 1, 32, 32), 7.0)
    out, oy, ox, flips = random_crop_flip(images, generator=gen)
    # values stay in range: original pixels or the zero padding
    assert set(torch.unique(out).tolist()) <= {0.0, 7.0}
    for offsets in (oy, ox):
        counts = torch.bincount(offsets, minlength=9)
        assert len(counts) == 9 and (counts > 0).all()
        # uniform over 0..8: each ~2222 of 20000 (5 sigma ~ 235)
        assert (counts - 20000 / 9).abs().max() < 250
    assert abs(flips.float().mean().item() - 0.5) < 0.02
    # the zero-padding seen matches the offsets: offset 4 is the original
    centred = (oy == 4) & (ox == 4)
    assert (out[centred] == 7).all()


def test_preprocessor_augments_training_batches_only():
    pre = BatchAugmentClsDataPreprocessor(
        mean=[10.0], std=[2.0], num_classes=10)
    images = [torch.full((1, 32, 32), 20, dtype=torch.uint8)] * 256
    samples = [DataSample().set_gt_label(0) for _ in images]
    torch.manual_seed(0)
    train = pre(dict(inputs=images, data_samples=samples), True)['inputs']
    evaluation = pre(dict(inputs=images, data_samples=samples),
                     False)['inputs']
    # normalised after augmentation: (20 - 10) / 2 = 5, padding (0-10)/2
    assert torch.equal(evaluation, torch.full((256, 1, 32, 32), 5.0))
    assert set(torch.unique(train).tolist()) == {5.0, -5.0}
    assert train.shape == (256, 1, 32, 32)


def test_distillation_trains_with_it_through_the_runner(
        tmp_path, tiny_cfg, cifar100_root):
    from mmengine.runner import Runner
    cfg = tiny_cfg('configs/slkd/slkd_r56_r8_cifar100.py', cifar100_root,
                   str(tmp_path))
    cfg.model.teacher_ckpt = 'random'
    cfg.data_preprocessor = dict(
        cfg.data_preprocessor, type='mmslkd.BatchAugmentClsDataPreprocessor')
    runner = Runner.from_cfg(cfg)
    assert isinstance(runner.model.data_preprocessor,
                      BatchAugmentClsDataPreprocessor)
    runner.train()
    assert runner.iter == 6

# Copyright (c) mmslkd contributors. All rights reserved.
"""Time whole training iterations, data pipeline included: the Runner
against a plain PyTorch ``DataLoader`` loop."""
import copy
import os.path as osp
import tempfile
import time
import uuid
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from torch.utils.data import DataLoader, Dataset

from .builders import build_model_and_optimizer, scale_learning_rates
from .reference_step import ReferenceStep, UnsupportedConfigError


class _IterationTimer(Hook):
    """Wall time from the start of iteration ``first`` to the end of the
    last one."""

    priority = 'LOWEST'

    def __init__(self, first: int, on_gpu: bool) -> None:
        self.first = first
        self.on_gpu = on_gpu
        self.start = self.end = None
        self.iterations = 0

    def _now(self) -> float:
        if self.on_gpu:
            torch.cuda.synchronize()
        return time.perf_counter()

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.first:
            self.start = self._now()

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        if runner.iter >= self.first:
            self.iterations += 1
            self.end = self._now()


def plain_augmentation(pipeline: List[dict]) -> Tuple[int, float]:
    """(crop padding, flip probability) of a CIFAR training pipeline that
    the plain loop reproduces: ``[RandomCrop(32, padding)]``,
    ``[RandomFlip(prob, 'horizontal')]``, ``PackInputs``."""
    padding, flip = 0, 0.0
    for step in pipeline:
        kind = step['type'].split('.')[-1]
        if kind == 'RandomCrop' and step.get('crop_size') in (32, (32, 32)) \
                and set(step) <= {'type', 'crop_size', 'padding'}:
            padding = step.get('padding') or 0
        elif kind == 'RandomFlip' and step.get('direction',
                                               'horizontal') == 'horizontal':
            flip = step.get('prob', 0.5)
        elif kind != 'PackInputs':
            raise UnsupportedConfigError(
                f'the plain loop does not reproduce the transform {kind}.')
    return padding, flip


class PlainCIFAR(Dataset):
    """The images of a built dataset, cropped and flipped per sample with
    plain numpy code, as a hand-written PyTorch CIFAR loop does.

    Args:
        dataset: An MMEngine dataset whose ``get_data_info`` gives ``img``
            (H, W, C uint8) and ``gt_label``.
        padding (int): Random-crop padding.
        flip_prob (float): Horizontal-flip probability.
    """

    def __init__(self, dataset, padding: int, flip_prob: float) -> None:
        from mmslkd.datasets import dataset_arrays
        images, labels = dataset_arrays(dataset)
        self.images = images  # NHWC
        self.labels = torch.from_numpy(labels)
        self.padding = padding
        self.flip_prob = flip_prob

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int):
        image = self.images[index]
        if self.padding:
            p, size = self.padding, image.shape[0]
            padded = np.pad(image, ((p, p), (p, p), (0, 0)))
            # torch's generator: DataLoader seeds it per worker
            y, x = torch.randint(0, 2 * p + 1, (2, )).tolist()
            image = padded[y:y + size, x:x + size]
        if self.flip_prob and torch.rand(()) < self.flip_prob:
            image = image[:, ::-1]
        chw = np.ascontiguousarray(image.transpose(2, 0, 1))
        return torch.from_numpy(chw), self.labels[index]


def _runner_cfg(cfg: Config, batch_size: int, num_iters: int, work_dir: str,
                data_root: Optional[str]) -> Config:
    """The config shrunk to one epoch of ``num_iters`` iterations, with no
    validation, checkpoint or learning-rate schedule in it; data from
    ``data_root`` or the config (its first images), or for CIFAR configs
    without ``data_root`` generated into the work dir."""
    from mmslkd.datasets import write_cifar100_folder
    from mmslkd.utils import drop_teacher_checkpoints
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.experiment_name = f'benchmark_{uuid.uuid4().hex}'
    cfg.model = drop_teacher_checkpoints(cfg.model)
    loader = cfg.train_dataloader
    loader.batch_size = batch_size
    num_images = batch_size * num_iters
    generate = data_root is None and 'CIFAR' in str(loader.dataset.type)
    if generate:
        # CIFAR is not shipped: a generated folder of the same format
        data_root = write_cifar100_folder(
            osp.join(work_dir, 'data'), num_train=num_images, num_test=16)
    else:
        loader.dataset.indices = num_images  # the first images
    if data_root is not None:
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(key):
                cfg[key].dataset.data_root = data_root
                if generate:
                    cfg[key].dataset.type = 'CIFAR100Format'
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=10**6)
    # epoch-based schedules (phases starting at epoch 80...) do not fit one
    # epoch; a schedule costs nothing per iteration
    cfg.param_scheduler = None
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', interval=10**6, save_last=False)
    cfg.log_level = 'WARNING'
    return cfg


def benchmark_end_to_end(cfg: Config,
                         batch_size: int = 64,
                         iters: int = 20,
                         warmup: int = 3,
                         device: str = 'cpu',
                         data_root: Optional[str] = None,
                         lr_scale: float = 1e-3) -> Dict:
    """Seconds per iteration of ``runner.train()`` (data loading with the
    config's pipeline and workers, the training step, every hook, logging)
    and of a plain loop: a ``DataLoader`` over the same images with the
    same crop/flip written per sample, the same batch size and workers, and
    :class:`ReferenceStep`. Iterations after ``warmup`` are timed.

    Args:
        cfg (Config): The training config.
        batch_size (int): Images per iteration. Defaults to 64.
        iters (int): Timed iterations. Defaults to 20.
        warmup (int): Untimed iterations first. Defaults to 3.
        device (str): ``'cpu'`` or ``'cuda'``. Defaults to ``'cpu'``.
        data_root (str, optional): The dataset folder; None generates a
            CIFAR-100-format folder of the right size.
        lr_scale (float): Factor of the config's learning rates (see
            :func:`scale_learning_rates`). Defaults to 1e-3.

    Returns:
        dict: ``ours``, ``reference`` (``seconds_per_iter``,
        ``images_per_second``) and ``time_ratio``.
    """
    from mmslkd.utils import build_runner
    on_gpu = device.startswith('cuda')
    total = warmup + iters
    with tempfile.TemporaryDirectory() as work_dir:
        run_cfg = _runner_cfg(
            scale_learning_rates(cfg, lr_scale), batch_size, total, work_dir,
            data_root)
        runner = build_runner(run_cfg)
        timer = _IterationTimer(warmup, on_gpu)
        runner.register_hook(timer)
        runner.train()
        ours = (timer.end - timer.start) / timer.iterations
        dataset = runner.train_dataloader.dataset
        result = dict(
            config=cfg.filename,
            device=device,
            batch_size=batch_size,
            iters=iters,
            lr_scale=lr_scale,
            num_workers=run_cfg.train_dataloader.get('num_workers', 0),
            ours=dict(
                seconds_per_iter=ours, images_per_second=batch_size / ours))
        try:
            padding, flip = plain_augmentation(
                run_cfg.train_dataloader.dataset.pipeline)
            # fresh networks as built for the runner (the runner's own hold
            # recorded, non-leaf tensors that cannot be copied)
            model, optim_wrapper = build_model_and_optimizer(run_cfg, device)
            reference = ReferenceStep(model, optim_wrapper)
        except UnsupportedConfigError as error:
            result.update(reference_missing=str(error), time_ratio=None)
            return result
        del runner
    workers = result['num_workers']
    loader = DataLoader(
        PlainCIFAR(dataset, padding, flip),
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        persistent_workers=workers > 0,
        pin_memory=on_gpu)
    start = None
    for i, (images, labels) in enumerate(loader):
        if i == warmup:
            start = time.perf_counter()
        reference(images, labels)
    if on_gpu:
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / (i + 1 - warmup)
    result['reference'] = dict(
        seconds_per_iter=seconds, images_per_second=batch_size / seconds)
    result['time_ratio'] = ours / seconds
    result['reference_missing'] = None
    return result

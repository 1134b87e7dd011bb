# Copyright (c) mmslkd contributors. All rights reserved.
import os
import os.path as osp
import pickle
import uuid

import numpy as np
import pytest
import torch
from mmengine.config import Config

import mmslkd  # noqa: F401  (applies the compat fixes for every test)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def write_cifar100_folder(root: str,
                          num_train: int = 96,
                          num_test: int = 32,
                          num_classes: int = 100,
                          image_shape=(3, 32, 32),
                          seed: int = 0) -> str:
    """Write a CIFAR-100-format folder (``root/cifar-100-python``).

    Images are noise plus a per-class colour offset, so classes are
    learnable. Returns ``root``.
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


def write_scalars(work_dir: str, timestamp: str, records) -> None:
    """Write records as MMEngine's ``<work_dir>/<timestamp>/vis_data/
    scalars.json`` (one JSON object per line)."""
    import json
    folder = osp.join(work_dir, timestamp, 'vis_data')
    os.makedirs(folder, exist_ok=True)
    with open(osp.join(folder, 'scalars.json'), 'w') as f:
        f.writelines(json.dumps(r) + '\n' for r in records)


@pytest.fixture(scope='session')
def cifar100_root(tmp_path_factory) -> str:
    """A small generated CIFAR-100-format folder shared by the session."""
    return write_cifar100_folder(str(tmp_path_factory.mktemp('cifar100')))


def tiny_run_cfg(config: str, data_root: str, work_dir: str,
                 **overrides) -> Config:
    """A shipped config, shrunk to a few CPU iterations on generated data.

    The model, algorithm, losses and optimizer stay as shipped; data become
    a ``CIFAR100Format`` folder with deterministic pipelines, batch 16, one
    epoch, no workers, and validation runs once at the end.
    """
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.work_dir = work_dir
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[key]
        loader.batch_size = 16
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.dataset.type = 'CIFAR100Format'
        loader.dataset.data_root = data_root
        loader.dataset.pipeline = [dict(type='mmpretrain.PackInputs')]
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    cfg.randomness = dict(seed=0, deterministic=True)
    cfg.log_level = 'WARNING'
    # MMEngine keys a runner's logger and visualizer by experiment name,
    # which defaults to the second it started: runners of one test session
    # must not share them (and write into each other's work dirs)
    cfg.experiment_name = f'{osp.basename(config)[:-3]}_{uuid.uuid4().hex}'
    cfg.merge_from_dict(overrides)
    return cfg


@pytest.fixture(autouse=True)
def _few_threads():
    """Keep each test on the CI machine's 2 cores predictable."""
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(autouse=True)
def _restore_default_scope():
    """A Runner leaves its default scope behind as MMEngine's current one;
    drop scopes a test created, so tests do not depend on their order."""
    from mmengine.registry import DefaultScope
    before = list(DefaultScope._instance_dict)
    yield
    for name in list(DefaultScope._instance_dict):
        if name not in before:
            del DefaultScope._instance_dict[name]


@pytest.fixture(scope='session')
def make_cifar100_folder():
    """The :func:`write_cifar100_folder` helper, for tests that need their
    own (e.g. broken) folders."""
    return write_cifar100_folder


@pytest.fixture(scope='session')
def tiny_cfg():
    """The :func:`tiny_run_cfg` helper."""
    return tiny_run_cfg


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO

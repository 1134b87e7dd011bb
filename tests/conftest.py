# Copyright (c) mmslkd contributors. All rights reserved.
import os
import os.path as osp
import uuid

import pytest
import torch
from mmengine.config import Config

import mmslkd  # noqa: F401  (applies the compat fixes for every test)
from mmslkd.datasets import write_cifar100_folder

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


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

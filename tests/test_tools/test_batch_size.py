# Copyright (c) mmslkd contributors. All rights reserved.
"""Batch size and learning rate as tools/train.py resolves them: the CIFAR
recipe is a total batch of 64 at lr 0.05 on any number of processes, and
``--auto-scale-lr`` (off by default) scales lr with a changed total."""
import importlib.util
import os.path as osp
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HEADLINE = 'configs/slkd/slkd_r32x4_r8x4_cifar100.py'


@pytest.fixture(scope='module')
def train_tool():
    spec = importlib.util.spec_from_file_location(
        'train_tool_batch', osp.join(REPO, 'tools', 'train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resolve(train_tool, monkeypatch, world_size, *argv, config=HEADLINE):
    """The config as rank 0 of ``world_size`` torchrun processes sees it."""
    for key, value in dict(
            RANK=0,
            LOCAL_RANK=0,
            WORLD_SIZE=world_size,
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=29500).items():
        monkeypatch.setenv(key, str(value))
    launcher = ['--launcher', 'pytorch'] if world_size > 1 else []
    monkeypatch.setattr(
        sys, 'argv',
        ['train.py', osp.join(REPO, config), *launcher, *argv])
    return train_tool.load_config(train_tool.parse_args())


@pytest.mark.parametrize('world_size,per_process', [(1, 64), (4, 16),
                                                    (8, 8)])
def test_headline_recipe_on_any_process_count(train_tool, monkeypatch,
                                              world_size, per_process):
    cfg, line = resolve(train_tool, monkeypatch, world_size)
    assert cfg.train_dataloader.batch_size == per_process
    assert cfg.train_dataloader.batch_size * world_size == 64
    assert cfg.optim_wrapper.optimizer.lr == 0.05
    assert cfg.auto_scale_lr.enable is False
    assert cfg.auto_scale_lr.base_batch_size == 64
    # the dumped config says what ran: batch_size per process
    assert cfg.batch_size_is_total is False
    processes = 'processes' if world_size > 1 else 'process'
    assert line == (f'batch: total 64 = {world_size} {processes} x '
                    f'{per_process} (the config\'s total, split); lr 0.05 '
                    '(auto_scale_lr off)')
    # the backend that runs, also in the Runner's environment dump
    backend = 'nccl' if torch.cuda.is_available() else 'gloo'
    assert cfg.env_cfg.dist_cfg.backend == backend


def test_auto_scale_lr_is_opt_in(train_tool, monkeypatch):
    # same recipe: the flag changes nothing
    cfg, line = resolve(train_tool, monkeypatch, 4, '--auto-scale-lr')
    assert cfg.auto_scale_lr.enable is True
    assert cfg.train_dataloader.batch_size == 16
    assert 'lr 0.05 -> 0.05 (--auto-scale-lr: x1' in line
    # a total of 256: lr 0.2 only with the flag
    cfg, line = resolve(train_tool, monkeypatch, 4, '--auto-scale-lr',
                        '--cfg-options', 'train_dataloader.batch_size=256')
    assert cfg.train_dataloader.batch_size == 64
    assert line.startswith('batch: total 256 = 4 processes x 64')
    assert 'lr 0.05 -> 0.2 (--auto-scale-lr: x4' in line
    cfg, line = resolve(train_tool, monkeypatch, 4, '--cfg-options',
                        'train_dataloader.batch_size=256')
    assert line.endswith('lr 0.05 (auto_scale_lr off)')


def test_per_process_batch_as_in_mmengine(train_tool, monkeypatch):
    cfg, line = resolve(train_tool, monkeypatch, 4, '--cfg-options',
                        'batch_size_is_total=False')
    assert cfg.train_dataloader.batch_size == 64
    assert line.startswith('batch: total 256 = 4 processes x 64 (batch_size '
                           'per process)')
    # the ImageNet recipe is per process (8 x 64 = 512), as in OpenMMLab
    cfg, line = resolve(
        train_tool,
        monkeypatch,
        8,
        config='configs/slkd/slkd_r34_r18_in1k.py')
    assert cfg.train_dataloader.batch_size == 64
    assert line.startswith('batch: total 512 = 8 processes x 64')
    assert cfg.auto_scale_lr == dict(enable=False, base_batch_size=512)


def test_multi_optimizer_recipe(train_tool, monkeypatch):
    cfg, line = resolve(
        train_tool,
        monkeypatch,
        2,
        config='configs/amtml/amtml_r56+r110_r20_cifar100.py')
    assert cfg.train_dataloader.batch_size == 64
    assert line.startswith('batch: total 128 = 2 processes x 64')
    assert line.endswith('lr architecture 0.1, distiller 0.1, '
                         'teacher_weighting 0.1 (auto_scale_lr off)')


def test_total_that_does_not_split_fails(train_tool, monkeypatch):
    with pytest.raises(ValueError, match='does not split over 3 processes'):
        resolve(train_tool, monkeypatch, 3)


def test_auto_scale_lr_without_base_fails(train_tool, monkeypatch):
    with pytest.raises(SystemExit, match='base_batch_size'):
        resolve(train_tool, monkeypatch, 1, '--auto-scale-lr',
                '--cfg-options', 'auto_scale_lr=None')

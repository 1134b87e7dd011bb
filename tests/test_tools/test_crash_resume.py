# Copyright (c) mmslkd contributors. All rights reserved.
"""Exact resume after a crash: a distillation killed with SIGKILL in the
middle of an epoch and resumed with ``tools/train.py --resume`` ends with
exactly the weights (student, SL-Ts, adapter, buffers) and optimizer state
of an uninterrupted run, with random augmentation in the pipeline: with
epoch checkpoints and no workers, with the persistent workers that the
CIFAR / Tiny ImageNet bases ship, and from a checkpoint written inside an
epoch."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HELPERS = osp.join(osp.dirname(osp.abspath(__file__)), 'helpers')

CONFIGS = {
    'kd': 'configs/kd/kd_r56_r8_cifar100.py',
    'slkd': 'configs/slkd/slkd_r56_r8_cifar100.py',
    'amtml': 'configs/amtml/amtml_r56+r110_r20_cifar100.py',
}


def train(config, work_dir, *extra):
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [HELPERS, REPO, env.get('PYTHONPATH', '')])
    return subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'train.py'), config, '--work-dir', work_dir,
        *extra
    ],
                          cwd=REPO,
                          env=env,
                          capture_output=True,
                          text=True)


def scale_lr(optim_wrapper, factor):
    """Scale the lr of every optimizer of an optim_wrapper config (one
    wrapper, or one per network)."""
    if 'optimizer' in optim_wrapper:
        optim_wrapper.optimizer.lr *= factor
    for value in optim_wrapper.values():
        if isinstance(value, dict) and 'optimizer' in value:
            value.optimizer.lr *= factor


def crash_cfg(tiny_cfg,
              cifar100_root,
              config,
              work_dir,
              kill_at=None,
              workers=0,
              iter_interval=None):
    cfg = tiny_cfg(config, cifar100_root, work_dir)
    if workers:
        # as the CIFAR / Tiny ImageNet bases ship them
        cfg.train_dataloader.num_workers = workers
        cfg.train_dataloader.persistent_workers = True
    if iter_interval:
        # checkpoints every few iterations, inside epochs
        cfg.default_hooks.checkpoint = dict(
            type='CheckpointHook', interval=iter_interval, by_epoch=False)
        cfg.log_level = 'INFO'  # to see where the resumed run starts
    # random augmentation, so that resuming must also restore randomness
    cfg.train_dataloader.dataset.pipeline = [
        dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
        dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='mmpretrain.PackInputs'),
    ]
    cfg.train_cfg.max_epochs = 2
    # random teachers give huge KD terms: at the shipped lr (0.05) SLKD's
    # SL-Ts can diverge within a few iterations on some random streams,
    # which this test is not about
    scale_lr(cfg.optim_wrapper, 0.1)
    if cfg.model.get('teacher_ckpt'):
        cfg.model.teacher_ckpt = 'random'  # random teachers will do here
    for spec in (cfg.model.get('teachers') or {}).values():
        spec.ckpt = 'random'
    if 'freeze_adapter' in cfg.default_hooks:
        # AMTML's two phases, one epoch each; schedules with explicit ends
        cfg.default_hooks.freeze_adapter.epoch = 1
        step = dict(type='MultiStepLR', by_epoch=True, milestones=[1], end=2)
        cfg.param_scheduler = dict(
            architecture=step,
            distiller=step,
            teacher_weighting=dict(step, end=1))
    cfg.custom_imports = dict(imports=['kill_hook'])
    if kill_at is not None:
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='KillAtIterationHook', iteration=kill_at)
        ]
    return cfg


def crash_and_resume(tmp_path, tiny_cfg, cifar100_root, config, kill_at,
                     resumed_from, last, **options):
    """An uninterrupted run, and one killed right before iteration
    ``kill_at`` and resumed with ``--resume``; returns the last checkpoint
    of each and the resumed process's output."""
    straight_dir = str(tmp_path / 'straight')
    crashed_dir = str(tmp_path / 'crashed')
    plain = tmp_path / 'plain.py'
    killer = tmp_path / 'killer.py'
    crash_cfg(tiny_cfg, cifar100_root, config, straight_dir,
              **options).dump(str(plain))
    crash_cfg(
        tiny_cfg,
        cifar100_root,
        config,
        crashed_dir,
        kill_at=kill_at,
        **options).dump(str(killer))

    result = train(str(plain), straight_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    result = train(str(killer), crashed_dir)
    assert result.returncode == -9, result.stderr[-3000:]
    assert osp.isfile(osp.join(crashed_dir, resumed_from))
    assert not osp.exists(osp.join(crashed_dir, last))
    assert not [f for f in os.listdir(crashed_dir) if f.endswith('.partial')]
    result = train(str(plain), crashed_dir, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert resumed_from in output

    straight = torch.load(osp.join(straight_dir, last), weights_only=False)
    resumed = torch.load(osp.join(crashed_dir, last), weights_only=False)
    return straight, resumed, output


def assert_same_state(straight, resumed):
    """Bitwise-equal weights, buffers and optimizer states."""
    assert straight['state_dict'].keys() == resumed['state_dict'].keys()
    differ = [
        key for key, value in straight['state_dict'].items()
        if not torch.equal(value, resumed['state_dict'][key])
    ]
    assert not differ, f'{len(differ)}/{len(straight["state_dict"])} ' \
        f'tensors differ after resume, e.g. {differ[:5]}'

    def optimizer_tensors(ckpt):
        states = ckpt['optimizer']
        states = states.values() if 'state' not in states else [states]
        return [
            t for s in states for p in s['state'].values() for t in p.values()
            if isinstance(t, torch.Tensor)
        ]

    for a, b in zip(optimizer_tensors(straight), optimizer_tensors(resumed)):
        assert torch.equal(a, b)
    assert straight['meta']['iter'] == resumed['meta']['iter'] == 12


@pytest.mark.parametrize('method', sorted(CONFIGS))
def test_sigkill_then_resume_is_exact(method, tmp_path, tiny_cfg,
                                      cifar100_root):
    # 96 images / batch 16 = 6 iterations per epoch: die in epoch 2
    straight, resumed, _ = crash_and_resume(tmp_path, tiny_cfg, cifar100_root,
                                            CONFIGS[method], 9, 'epoch_1.pth',
                                            'epoch_2.pth')
    assert_same_state(straight, resumed)
    if method == 'slkd':
        assert any('self_learning_teachers.networks.1' in k
                   for k in straight['state_dict'])
    if method == 'amtml':
        assert any('teacher_weighting' in k for k in straight['state_dict'])


def test_resume_is_exact_with_persistent_workers(tmp_path, tiny_cfg,
                                                 cifar100_root):
    """Two persistent workers make the augmented batches: a resumed
    process's fresh workers continue exactly where the uninterrupted run's
    long-lived ones were."""
    straight, resumed, _ = crash_and_resume(
        tmp_path,
        tiny_cfg,
        cifar100_root,
        CONFIGS['kd'],
        9,
        'epoch_1.pth',
        'epoch_2.pth',
        workers=2)
    assert_same_state(straight, resumed)


@pytest.mark.parametrize('workers', [0, 2])
def test_resume_inside_an_epoch_is_exact(workers, tmp_path, tiny_cfg,
                                         cifar100_root):
    """A checkpoint every 4 iterations: iter_8.pth is 2 batches into epoch
    2. The resumed run trains iterations 9-12 only (MMEngine alone would
    replay epoch 2 from its start: 14 iterations in all), on the batches
    and augmentation of the uninterrupted run, in the main process
    (workers=0: its restored RNG state makes them) or in persistent
    workers."""
    straight, resumed, output = crash_and_resume(
        tmp_path,
        tiny_cfg,
        cifar100_root,
        CONFIGS['kd'],
        11,
        'iter_8.pth',
        'iter_12.pth',
        workers=workers,
        iter_interval=4)
    assert_same_state(straight, resumed)
    assert 'Resuming inside epoch 2: re-making its first 2 batches' in output

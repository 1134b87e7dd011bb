# Copyright (c) mmslkd contributors. All rights reserved.
"""Exact resume after a crash: a distillation killed with SIGKILL in the
middle of an epoch and resumed with ``tools/train.py --resume`` ends with
exactly the weights (student, SL-Ts, adapter, buffers) and optimizer state
of an uninterrupted run, with random augmentation in the pipeline."""
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


def crash_cfg(tiny_cfg, cifar100_root, config, work_dir, kill_at=None):
    cfg = tiny_cfg(config, cifar100_root, work_dir)
    # random augmentation, so that resuming must also restore randomness
    cfg.train_dataloader.dataset.pipeline = [
        dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
        dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='mmpretrain.PackInputs'),
    ]
    cfg.train_cfg.max_epochs = 2
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


@pytest.mark.parametrize('method', sorted(CONFIGS))
def test_sigkill_then_resume_is_exact(method, tmp_path, tiny_cfg,
                                      cifar100_root):
    straight_dir = str(tmp_path / 'straight')
    crashed_dir = str(tmp_path / 'crashed')
    plain = tmp_path / 'plain.py'
    killer = tmp_path / 'killer.py'
    crash_cfg(tiny_cfg, cifar100_root, CONFIGS[method],
              straight_dir).dump(str(plain))
    # 96 images / batch 16 = 6 iterations per epoch: die in epoch 2
    crash_cfg(
        tiny_cfg, cifar100_root, CONFIGS[method], crashed_dir,
        kill_at=9).dump(str(killer))

    result = train(str(plain), straight_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    result = train(str(killer), crashed_dir)
    assert result.returncode == -9, result.stderr[-3000:]
    assert osp.isfile(osp.join(crashed_dir, 'epoch_1.pth'))
    assert not osp.exists(osp.join(crashed_dir, 'epoch_2.pth'))
    assert not [f for f in os.listdir(crashed_dir) if f.endswith('.partial')]
    result = train(str(plain), crashed_dir, '--resume')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'epoch_1.pth' in result.stdout + result.stderr

    straight = torch.load(
        osp.join(straight_dir, 'epoch_2.pth'), weights_only=False)
    resumed = torch.load(
        osp.join(crashed_dir, 'epoch_2.pth'), weights_only=False)
    assert straight['state_dict'].keys() == resumed['state_dict'].keys()
    for key, value in straight['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    if method == 'slkd':
        assert any('self_learning_teachers.networks.1' in k
                   for k in straight['state_dict'])
    if method == 'amtml':
        assert any('teacher_weighting' in k for k in straight['state_dict'])

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

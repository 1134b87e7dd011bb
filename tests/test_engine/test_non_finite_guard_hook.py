# Copyright (c) mmslkd contributors. All rights reserved.
"""NonFiniteGuardHook in the real Runner: a NaN loss term is named, its
update skipped, training stops after a run of them, and non-finite weights
are never saved."""
import glob
import logging
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmslkd.engine.hooks import NonFiniteGuardHook


class PoisonLossHook(Hook):
    """Make the KD loss weight NaN at the given (1-based) iterations and
    snapshot the student's classifier weight before and after each."""

    priority = 'LOWEST'

    def __init__(self, bad_iters):
        self.bad_iters = set(bad_iters)
        self.snapshots = {}

    def _loss(self, runner):
        return runner.model.distiller.distill_losses['loss_kd']

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        it = runner.iter + 1
        self._loss(runner).loss_weight = float('nan') \
            if it in self.bad_iters else 0.9
        self.snapshots[(it, 'before')] = \
            runner.model.student.head.fc.weight.detach().clone()

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        self.snapshots[(runner.iter + 1, 'after')] = \
            runner.model.student.head.fc.weight.detach().clone()


def build(tiny_cfg, cifar100_root, work_dir, bad_iters, epochs=1):
    cfg = tiny_cfg('configs/kd/kd_r56_r8_cifar100.py', cifar100_root, work_dir)
    cfg.model.teacher_ckpt = None  # a random teacher will do here
    cfg.train_cfg.max_epochs = epochs
    cfg.log_level = 'INFO'
    runner = Runner.from_cfg(cfg)
    poison = PoisonLossHook(bad_iters)
    runner.register_hook(poison)
    return runner, poison


def test_guard_is_on_by_default(tiny_cfg, cifar100_root, tmp_path):
    runner, _ = build(tiny_cfg, cifar100_root, str(tmp_path), [])
    guards = [h for h in runner.hooks if isinstance(h, NonFiniteGuardHook)]
    assert len(guards) == 1 and guards[0].max_consecutive == 3


def test_nan_term_is_named_and_its_update_skipped(tiny_cfg, cifar100_root,
                                                  tmp_path):
    runner, poison = build(tiny_cfg, cifar100_root, str(tmp_path), [2, 3])
    runner.train()  # 6 iterations; 2 bad ones in a row are tolerated
    snaps = poison.snapshots
    for it in (2, 3):
        assert torch.equal(snaps[(it, 'before')], snaps[(it, 'after')])
    for it in (1, 4, 5, 6):
        assert not torch.equal(snaps[(it, 'before')], snaps[(it, 'after')])
    (guard, ) = [h for h in runner.hooks if isinstance(h, NonFiniteGuardHook)]
    assert guard.skipped_iters == [2, 3] and guard.consecutive == 0
    # (the runner's own log file: MMEngine shares one logger between runners
    # created in the same second, so it may not be under this tmp_path)
    (log_file, ) = [
        h.baseFilename for h in runner.logger.handlers
        if isinstance(h, logging.FileHandler)
    ]
    log = open(log_file).read()
    assert 'Non-finite loss at iteration 2 (epoch 1): distill.loss_kd' in log
    assert '(network: distill)' in log and '1/3 in a row' in log
    # the weights stayed finite and were saved
    assert osp.isfile(osp.join(str(tmp_path), 'epoch_1.pth'))
    # the guard's wrappers are gone after training
    assert 'parse_losses' not in vars(runner.model)


def test_stops_after_consecutive_bad_iterations(tiny_cfg, cifar100_root,
                                                tmp_path):
    runner, _ = build(tiny_cfg, cifar100_root, str(tmp_path), [2, 3, 4])
    with pytest.raises(FloatingPointError) as err:
        runner.train()
    message = str(err.value)
    assert 'iteration 4' in message and 'distill.loss_kd' in message
    assert '3 iterations in a row' in message and 'clip_grad' in message
    assert not glob.glob(osp.join(str(tmp_path), '*.pth'))


def test_refuses_to_save_non_finite_weights():
    guard = NonFiniteGuardHook()
    good = {'w': torch.ones(2), 'steps': torch.tensor(3)}
    guard.before_save_checkpoint(
        SimpleNamespace(iter=5), dict(state_dict=good))
    bad = dict(good, b=torch.tensor([1.0, float('inf')]))
    with pytest.raises(FloatingPointError, match='non-finite weights: b'):
        guard.before_save_checkpoint(
            SimpleNamespace(iter=5), dict(state_dict=bad))
    with pytest.raises(ValueError, match='max_consecutive'):
        NonFiniteGuardHook(max_consecutive=0)

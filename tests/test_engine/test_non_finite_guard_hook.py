# Copyright (c) mmslkd contributors. All rights reserved.
"""NonFiniteGuardHook in the real Runner: a NaN loss term is named, its
update skipped and the buffers it wrote restored, so a run survives an
isolated bad batch; training stops after a run of them, and non-finite
weights are never saved."""
import glob
import logging
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmslkd.engine.hooks import NonFiniteGuardHook, non_finite_tensors
from mmslkd.registry import MODELS


@pytest.fixture(autouse=True)
def _one_thread():
    """These tiny networks run 80 iterations: one thread is faster than two,
    and far faster than two on a machine that other jobs keep busy."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


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
    cfg.model.teacher_ckpt = 'random'  # a random teacher will do here
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
    assert 'the loss is not finite with finite inputs' in log
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
    assert 'The run diverged' in message and 'replays the same' in message
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


class BadInputsHook(Hook):
    """Put a non-finite pixel into the first image of the batches of the
    given (1-based) iterations, as a float dataset with a broken sample
    would give them, and snapshot every buffer of the model around the
    first of them."""

    priority = 'LOWEST'

    def __init__(self, bad_iters, value):
        self.bad_iters = set(bad_iters)
        self.value = value
        self.before = self.after = None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        it = runner.iter + 1
        if it in self.bad_iters:
            inputs = [x.float() for x in data_batch['inputs']]
            inputs[0][1, 2, 3] = self.value
            data_batch['inputs'] = inputs
            if self.before is None:
                self.before = {
                    k: v.clone()
                    for k, v in runner.model.named_buffers()
                }

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        if runner.iter + 1 == min(self.bad_iters) and self.after is None:
            self.after = {
                k: v.clone()
                for k, v in runner.model.named_buffers()
            }


def build_slkd(tiny_cfg, root, work_dir, bad_iters, value):
    """SLKD (student, two SL-Ts, teacher; all small) on 320 images, batch 4:
    80 iterations in one epoch."""
    cfg = tiny_cfg('configs/slkd/slkd_r56_r8_cifar100.py', root, work_dir)
    cfg.model.teacher.backbone.arch = 'resnet8'  # and so its SL-Ts
    # a randomly initialised teacher will do here
    teacher = osp.join(osp.dirname(work_dir), 'teacher.pth')
    torch.save(
        dict(state_dict=MODELS.build(cfg.model.teacher).state_dict()), teacher)
    cfg.model.teacher_ckpt = teacher
    cfg.train_dataloader.batch_size = 4
    cfg.log_level = 'INFO'
    runner = Runner.from_cfg(cfg)
    hook = BadInputsHook(bad_iters, value)
    runner.register_hook(hook)
    return runner, hook


def test_one_inf_batch_in_80_is_skipped_and_the_run_finishes(
        tiny_cfg, make_cifar100_folder, tmp_path):
    root = make_cifar100_folder(str(tmp_path / 'data'), num_train=320)
    work_dir = str(tmp_path / 'work')
    runner, hook = build_slkd(tiny_cfg, root, work_dir, [37], float('inf'))
    runner.train()
    assert runner.iter == 80
    (guard, ) = [h for h in runner.hooks if isinstance(h, NonFiniteGuardHook)]
    assert guard.skipped_iters == [37]
    # the bad batch's forward wrote nothing that stayed: every buffer of
    # the student, the SL-Ts and the teacher is as it was before it
    names = set(hook.before)
    assert any(
        n.startswith('architecture.') and n.endswith('running_var')
        for n in names)
    assert any(
        n.startswith('self_learning_teachers.networks.1.')
        and n.endswith('num_batches_tracked') for n in names)
    assert any(n.startswith('teacher.') for n in names)
    for name in names:
        assert torch.equal(hook.before[name], hook.after[name]), name
    # logged: which iteration, why (the data, naming the sample)
    (log_file, ) = [
        h.baseFilename for h in runner.logger.handlers
        if isinstance(h, logging.FileHandler)
    ]
    log = open(log_file).read()
    assert 'Non-finite loss at iteration 37 (epoch 1)' in log
    assert 'Skipped this iteration: the inputs of this batch are not ' \
        'finite (NaN/Inf in samples [' in log
    assert 'restored (1/3 in a row' in log
    # a finite final checkpoint, with BN statistics that kept learning
    ckpt = torch.load(osp.join(work_dir, 'epoch_1.pth'), weights_only=False)
    state = ckpt['state_dict']
    assert not non_finite_tensors(state)
    (tracked, ) = [
        v for k, v in state.items()
        if k == 'architecture.backbone.bn1.num_batches_tracked'
    ]
    assert int(tracked) == 79  # every batch but the skipped one
    # the teacher (eval mode) never wrote statistics, bad batch or not
    teacher = torch.load(osp.join(str(tmp_path), 'teacher.pth'))
    for key, value in teacher['state_dict'].items():
        assert torch.equal(state['teacher.' + key], value), key


def test_a_run_of_non_finite_batches_still_stops(tiny_cfg,
                                                 make_cifar100_folder,
                                                 tmp_path):
    root = make_cifar100_folder(str(tmp_path / 'data'), num_train=64)
    work_dir = str(tmp_path / 'work')
    runner, _ = build_slkd(tiny_cfg, root, work_dir, range(5, 17),
                           float('nan'))
    with pytest.raises(FloatingPointError) as err:
        runner.train()
    message = str(err.value)
    assert 'iteration 7' in message and '(iterations 5-7)' in message
    assert 'The inputs of all 3 batches were not finite' in message
    assert 'Fix or remove those samples' in message
    assert not glob.glob(osp.join(work_dir, '*.pth'))

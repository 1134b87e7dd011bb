# Copyright (c) mmslkd contributors. All rights reserved.
"""LossWeightPhaseHook on the two-stage two-teacher config."""
import os.path as osp
import types

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmslkd.engine import LossWeightPhaseHook
from mmslkd.registry import MODELS

CONFIG = ('configs/two_teacher/'
          'two-teacher-two-stage_wrn40-2_wrn16-2_cifar100.py')


def two_stage(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    for teacher in cfg.model.teachers.values():
        teacher.ckpt = 'random'
        teacher.model.backbone.arch = 'wrn_16_2'  # same widths, faster
    with DefaultScope.overwrite_default_scope('mmslkd'):
        model = MODELS.build(cfg.model)
    hook_cfg = dict(cfg.custom_hooks[0])
    assert hook_cfg.pop('type') == 'LossWeightPhaseHook'
    return model, LossWeightPhaseHook(**hook_cfg)


def test_phases_switch_weights_by_epoch(repo_root):
    model, hook = two_stage(repo_root)
    runner = types.SimpleNamespace(model=model, epoch=0, iter=0)
    hook.before_run(runner)
    ce = model.student.head.loss_module
    losses = model.distiller.distill_losses
    expected = {
        0: (1.0, 0.0, 500.0),
        59: (1.0, 0.0, 500.0),
        60: (0.1, 0.9, 50.0),
        239: (0.1, 0.9, 50.0)
    }
    # in any order (as after resuming): the weights depend on the epoch only
    for epoch in (60, 0, 239, 59):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        assert (ce.loss_weight, losses['loss_kd'].loss_weight,
                losses['loss_at2'].loss_weight) == expected[epoch]


def test_unnamed_losses_keep_their_configured_weight(repo_root):
    model, _ = two_stage(repo_root)
    hook = LossWeightPhaseHook([dict(begin=3, loss_weights=dict(loss_kd=0.5))])
    runner = types.SimpleNamespace(model=model, epoch=0)
    hook.before_run(runner)
    hook.before_train_epoch(runner)
    assert model.distiller.distill_losses['loss_kd'].loss_weight == 0.9
    runner.epoch = 3
    hook.before_train_epoch(runner)
    assert model.distiller.distill_losses['loss_kd'].loss_weight == 0.5


@pytest.mark.parametrize('phases,error,message', [
    ([], ValueError, 'at least one phase'),
    ([dict(begin=5), dict(begin=2)], ValueError, 'increasing'),
    ([dict(start=0)], KeyError, 'dict\\(begin=..., loss_weights=...\\)'),
])
def test_bad_phases(phases, error, message):
    with pytest.raises(error, match=message):
        LossWeightPhaseHook(phases)


def test_unknown_loss_is_named(repo_root):
    model, _ = two_stage(repo_root)
    hook = LossWeightPhaseHook([dict(begin=0, loss_weights=dict(loss_xd=1))])
    with pytest.raises(KeyError, match="no loss 'loss_xd'.*loss_kd"):
        hook.before_run(types.SimpleNamespace(model=model))
    hook = LossWeightPhaseHook(
        [dict(begin=0, loss_weights={'architecture.head.fc': 1})])
    with pytest.raises(TypeError, match='has no loss_weight'):
        hook.before_run(types.SimpleNamespace(model=model))

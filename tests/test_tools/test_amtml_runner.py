# Copyright (c) mmslkd contributors. All rights reserved.
"""AMTML-KD through the real Runner: both phases, logging, resume."""
import glob
import json
import os.path as osp

import torch
from mmengine.runner import Runner

CONFIG = 'configs/amtml/amtml_r56+r110_r20_cifar100.py'


def amtml_cfg(tiny_cfg, data_root, work_dir, epochs=2):
    cfg = tiny_cfg(CONFIG, data_root, work_dir)
    cfg.model.architecture.backbone.arch = 'resnet8'
    for teacher in cfg.model.teachers.values():
        teacher.ckpt = 'random'
        teacher.model.backbone.arch = 'resnet14'
    cfg.train_cfg.max_epochs = epochs
    # the two phases of the recipe, one epoch each
    cfg.default_hooks.freeze_adapter.epoch = 1
    cfg.default_hooks.hints_phase.phases = [
        dict(begin=1, loss_weights=dict(loss_hint2=0.0))
    ]
    # (explicit ends: a default end is max_epochs, which resuming changes)
    step = dict(type='MultiStepLR', by_epoch=True, milestones=[1], end=2)
    cfg.param_scheduler = dict(
        architecture=step, distiller=step, teacher_weighting=dict(step, end=1))
    return cfg


def logged(work_dir):
    path = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))[-1]
    return [json.loads(line) for line in open(path)]


def test_amtml_phases_freeze_the_adapter(tmp_path, tiny_cfg, cifar100_root):
    cfg = amtml_cfg(tiny_cfg, cifar100_root, str(tmp_path))
    runner = Runner.from_cfg(cfg)
    initial = runner.model.teacher_weighting.theta.detach().clone()
    runner.train()

    phase1 = torch.load(
        str(tmp_path / 'epoch_1.pth'), weights_only=True)['state_dict']
    final = runner.model.state_dict()
    # phase 1: the adapter learned; phase 2: it is frozen, the student not
    assert not torch.equal(phase1['teacher_weighting.theta'], initial)
    assert torch.equal(final['teacher_weighting.theta'],
                       phase1['teacher_weighting.theta'])
    assert torch.equal(final['teacher_weighting.w'],
                       phase1['teacher_weighting.w'])
    assert not runner.model.teacher_weighting.theta.requires_grad
    assert not torch.equal(final['architecture.head.fc.weight'],
                           phase1['architecture.head.fc.weight'])

    # phase 2 computes no adapter penalty (phase 1 did: see the log)
    data = runner.model.data_preprocessor(
        next(iter(runner.train_dataloader)), True)
    losses = runner.model.loss(data['inputs'], data['data_samples'])
    assert 'teacher_weighting.loss_l2' not in losses
    # nor hints (LR_adaptive_learning hints in its phase 1 only)
    assert losses['distill.loss_hint2'] == 0

    records = logged(str(tmp_path))
    train = [r for r in records if 'teacher_weight.resnet56' in r]
    assert 'teacher_weighting.loss_l2' in train[0]
    assert train[0]['distill.loss_hint2'] > 0
    for r in train:
        total = r['teacher_weight.resnet56'] + r['teacher_weight.resnet110']
        assert abs(total - 1) < 1e-4
        assert 'teacher_weight_entropy' in r
    val = [r for r in records if 'accuracy/top1' in r]
    assert {
        'teacher.resnet56.accuracy/top1', 'teacher.resnet110.accuracy/top1'
    } <= set(val[-1])


def test_amtml_resume_is_exact(tmp_path, tiny_cfg, cifar100_root):
    straight = Runner.from_cfg(
        amtml_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'a')))
    straight.train()
    first = Runner.from_cfg(
        amtml_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'b'), epochs=1))
    first.train()
    cfg = amtml_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'b'))
    cfg.resume = True
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    expected = straight.model.state_dict()
    for key, value in resumed.model.state_dict().items():
        assert torch.equal(value, expected[key]), key

# Copyright (c) mmslkd contributors. All rights reserved.
"""The KD and DKD baseline configs compute mdistiller's losses.

References are written from the formulas of spec slkd.md sections 6.3-6.4
(mdistiller's KD.py / DKD.py), in float64.
"""
import os.path as osp
import types

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from reference_losses import dkd_reference, kd_reference

from mmslkd.engine import DistillLossWarmupHook
from mmslkd.registry import MODELS


def build_algorithm(repo_root, config):
    cfg = Config.fromfile(osp.join(repo_root, config))
    cfg.model.teacher_ckpt = 'random'
    cfg.model.data_preprocessor = cfg.data_preprocessor
    with DefaultScope.overwrite_default_scope('mmslkd'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()  # as the Runner's loop does: teacher BN in eval mode
    return model, cfg


def batch(num_classes=100, size=8, seed=0):
    torch.manual_seed(seed)
    inputs = torch.randn(size, 3, 32, 32)
    labels = torch.randint(0, num_classes, (size, ))
    samples = [DataSample().set_gt_label(int(y)) for y in labels]
    return inputs, samples, labels


def logits_of(model, inputs):
    # as during training: student BN in train mode, teacher BN in eval mode
    with torch.no_grad():
        z_s = model.student(inputs, mode='tensor').double()
        z_t = model.teacher(inputs, mode='tensor').double()
    return z_s, z_t


def test_kd_config_matches_mdistiller(repo_root):
    model, _ = build_algorithm(repo_root, 'configs/kd/kd_r56_r8_cifar100.py')
    inputs, samples, labels = batch()
    losses = model.loss(inputs, samples)
    z_s, z_t = logits_of(model, inputs)
    expected_kd = 0.9 * kd_reference(z_s, z_t, 4.0)
    expected_ce = 0.1 * F.cross_entropy(z_s, labels)
    torch.testing.assert_close(
        losses['distill.loss_kd'].double(), expected_kd, rtol=1e-5, atol=0)
    torch.testing.assert_close(
        losses['student.loss'].double(), expected_ce, rtol=1e-5, atol=0)
    # only the student learns
    sum(losses.values()).backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert all(p.grad is not None for p in model.student.parameters())


@pytest.mark.parametrize('config,beta', [
    ('configs/dkd/dkd_r56_r8_cifar100.py', 2.0),
    ('configs/dkd/dkd_wrn40-2_wrn16-2_cifar100.py', 6.0),
    ('configs/dkd/dkd_r32x4_shv1_cifar100.py', 8.0),
])
def test_dkd_config_matches_mdistiller(repo_root, config, beta):
    model, cfg = build_algorithm(repo_root, config)
    assert cfg.model.distiller.distill_losses.loss_dkd.beta == beta
    inputs, samples, labels = batch(size=4)
    losses = model.loss(inputs, samples)
    z_s, z_t = logits_of(model, inputs)
    expected = dkd_reference(z_s, z_t, labels, 1.0, beta, 4.0)
    torch.testing.assert_close(
        losses['distill.loss_dkd'].double(), expected, rtol=1e-4, atol=0)
    torch.testing.assert_close(
        losses['student.loss'].double(),
        F.cross_entropy(z_s, labels),
        rtol=1e-5,
        atol=0)


def test_dkd_warmup_follows_mdistiller(repo_root):
    model, cfg = build_algorithm(repo_root,
                                 'configs/dkd/dkd_r56_r8_cifar100.py')
    hook_cfg = cfg.default_hooks.distill_loss_warmup
    assert hook_cfg.type == 'DistillLossWarmupHook'
    hook = DistillLossWarmupHook(hook_cfg.loss_names, hook_cfg.warmup)
    runner = types.SimpleNamespace(model=model, epoch=0)
    hook.before_run(runner)
    loss = model.distiller.distill_losses['loss_dkd']
    # mdistiller: min(epoch / 20, 1) with epoch counted from 1
    for epoch, factor in ((0, 0.05), (9, 0.5), (18, 0.95), (19, 1.0), (100,
                                                                       1.0)):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        assert loss.loss_weight == pytest.approx(factor)


def test_every_kd_and_dkd_pair_of_the_paper(repo_root):
    import glob
    pairs = {
        'r32x4_r8x4', 'r56_r8', 'wrn40-2_wrn40-1', 'wrn40-2_wrn16-2',
        'vgg13_vgg11', 'vgg13_vgg8', 'r32x4_shv2', 'r32x4_shv1', 'r50_mv2',
        'vgg13_mv2', 'wrn40-2_shv1'
    }
    for algorithm in ('kd', 'dkd'):
        found = {
            osp.basename(p)[len(algorithm) + 1:-len('_cifar100.py')]
            for p in glob.glob(
                osp.join(repo_root, 'configs', algorithm, '*_cifar100.py'))
        }
        # plus the baselines of the expressive-teacher configs (icc/)
        extra = {'r56_r20', 'shv2_shv2-0.5'} if algorithm == 'kd' else set()
        assert found == pairs | extra, algorithm
        for pair in found:
            cfg = Config.fromfile(
                osp.join(repo_root, 'configs', algorithm,
                         f'{algorithm}_{pair}_cifar100.py'))
            small_lr = pair.split('_')[1].startswith(('shv', 'mv'))
            assert cfg.optim_wrapper.optimizer.lr == (0.01
                                                      if small_lr else 0.05)
            assert cfg.train_cfg.max_epochs == 240
            assert cfg.param_scheduler.milestones == [150, 180, 210]
            assert cfg.train_dataloader.batch_size == 64


def test_dkd_warmup_applies_in_the_runner(tmp_path, tiny_cfg, cifar100_root):
    from mmengine.runner import Runner
    cfg = tiny_cfg('configs/dkd/dkd_r56_r8_cifar100.py', cifar100_root,
                   str(tmp_path))
    cfg.model.teacher_ckpt = 'random'
    cfg.train_cfg.max_epochs = 2
    runner = Runner.from_cfg(cfg)
    runner.train()
    loss = runner.model.distiller.distill_losses['loss_dkd']
    assert loss.loss_weight == pytest.approx(2 / 20)  # second epoch

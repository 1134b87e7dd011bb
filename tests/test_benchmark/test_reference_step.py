# Copyright (c) mmslkd contributors. All rights reserved.
"""The plain PyTorch reference of benchmark_train.py does the algorithm's
arithmetic: one step of each gives the same loss and the same update, so
timing one against the other is a fair comparison."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmslkd.benchmark import (PHASES, PhaseClock, ReferenceStep,
                              UnsupportedConfigError,
                              build_model_and_optimizer, random_batch,
                              time_phases)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

CONFIGS = [
    'configs/students/resnet8_cifar100.py',  # plain classifier training
    'configs/kd/kd_r56_r20_cifar100.py',
    'configs/slkd/slkd_r56_r20_cifar100.py',
    'configs/amtml/amtml_r56+r110_r20_cifar100.py',
    'configs/amtml/avgmkd_r56+r110_r20_cifar100.py',
    'configs/amtml/amtml-rr-hints_r32+r56+r110_r20_cifar100.py',
]


def _step_both(config, batch_size=8):
    cfg = Config.fromfile(osp.join(REPO, config))
    torch.manual_seed(0)
    model, optim_wrapper = build_model_and_optimizer(cfg)
    reference = ReferenceStep(model, optim_wrapper)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    data = random_batch(batch_size, 100)
    labels = torch.cat([s.gt_label for s in data['data_samples']])
    # the same random draws (AvgMKD's triplets) on both sides
    torch.manual_seed(1)
    log_vars = model.train_step(data, optim_wrapper)
    clock = PhaseClock()
    torch.manual_seed(1)
    ref_loss = reference(data['inputs'], labels, clock)
    return model, reference, before, log_vars, ref_loss, clock


@pytest.mark.parametrize('config', CONFIGS)
def test_same_loss_and_same_update(config):
    model, reference, before, log_vars, ref_loss, clock = _step_both(config)
    torch.testing.assert_close(
        log_vars['loss'].detach(), ref_loss, rtol=1e-5, atol=1e-6)
    ref_params = dict(reference.model.named_parameters())
    moved = 0
    for name, param in model.named_parameters():
        update = param.detach() - before[name]
        ref_update = ref_params[name].detach() - before[name]
        # atol: a few float32 ulps of parameters near 1 (BN scales)
        torch.testing.assert_close(ref_update, update, rtol=1e-4, atol=5e-7)
        moved += bool(update.abs().sum() > 0)
    assert moved > 0  # the step changed the networks
    # running statistics of BN moved alike too
    ref_buffers = dict(reference.model.named_buffers())
    for name, buffer in model.named_buffers():
        if name in ref_buffers and buffer.is_floating_point():
            torch.testing.assert_close(ref_buffers[name], buffer, msg=name)
    assert set(clock.totals) <= set(PHASES)
    assert clock.totals['backward'] > 0 and clock.totals['optimizer'] > 0


def test_reference_works_on_a_copy():
    model, reference, before, *_ = _step_both(CONFIGS[1])
    assert all(
        a is not b
        for a, b in zip(model.parameters(), reference.model.parameters()))
    # no recorder hooks are left on the reference's networks
    assert not any(m._forward_hooks for m in reference.model.modules())


def test_phase_hooks_split_our_step():
    cfg = Config.fromfile(osp.join(REPO, CONFIGS[2]))
    model, optim_wrapper = build_model_and_optimizer(cfg)
    clock = PhaseClock()
    with time_phases(model, clock):
        clock.start()
        model.train_step(random_batch(4, 100), optim_wrapper)
        clock.lap('other')
    for phase in ('data', 'teacher_forward', 'slt_forward', 'student_forward',
                  'backward', 'optimizer'):
        assert clock.totals[phase] > 0, phase
    # the hooks are gone afterwards
    assert torch.autograd.backward.__module__ == 'torch.autograd'
    assert not model.teacher._forward_hooks


def test_unsupported_losses_are_named():
    cfg = Config.fromfile(osp.join(REPO, 'configs/dkd/dkd_r56_r8_cifar100.py'))
    model, optim_wrapper = build_model_and_optimizer(cfg)
    with pytest.raises(UnsupportedConfigError, match='DKDLoss'):
        ReferenceStep(model, optim_wrapper)


def test_learning_rates_scale_in_every_wrapper():
    from mmslkd.benchmark import scale_learning_rates
    for config, lrs in ((CONFIGS[1], [0.05]), (CONFIGS[3], [0.1, 0.1, 0.1])):
        cfg = Config.fromfile(osp.join(REPO, config))
        scaled = scale_learning_rates(cfg, 1e-3)
        wrappers = [scaled.optim_wrapper] if 'optimizer' in \
            scaled.optim_wrapper else [
                w for w in scaled.optim_wrapper.values()
                if isinstance(w, dict)]
        assert [w.optimizer.lr
                for w in wrappers] == pytest.approx([lr * 1e-3 for lr in lrs])
        assert cfg.optim_wrapper != scaled.optim_wrapper  # a copy

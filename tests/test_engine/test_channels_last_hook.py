# Copyright (c) mmslkd contributors. All rights reserved.
"""ChannelsLastHook: the whole algorithm runs channels-last, with the same
losses and updates as the default memory format (CPU)."""
import torch
from mmengine.runner import Runner


def _losses_and_update(tiny_cfg, cifar100_root, work_dir, channels_last):
    cfg = tiny_cfg('configs/slkd/slkd_r56_r8_cifar100.py', cifar100_root,
                   work_dir)
    cfg.model.teacher_ckpt = 'random'
    if channels_last:
        cfg.custom_hooks = [dict(type='ChannelsLastHook')]
    runner = Runner.from_cfg(cfg)
    runner.call_hook('before_run')
    model = runner.model
    wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    data = next(iter(runner.build_dataloader(runner._train_dataloader)))
    before = {k: v.detach().clone() for k, v in model.state_dict().items()}
    losses = model.train_step(data, wrapper)
    updates = {
        k: v.detach() - before[k]
        for k, v in model.state_dict().items() if v.dim() == 4
    }
    return losses, updates, model


def test_same_losses_and_update(tiny_cfg, cifar100_root, tmp_path):
    plain, plain_w, _ = _losses_and_update(tiny_cfg, cifar100_root,
                                           str(tmp_path / 'a'), False)
    last, last_w, model = _losses_and_update(tiny_cfg, cifar100_root,
                                             str(tmp_path / 'b'), True)
    conv = model.student.backbone.conv1.weight
    assert conv.is_contiguous(memory_format=torch.channels_last)
    assert not conv.is_contiguous()
    slt = model.self_learning_teachers[1].backbone.conv1.weight
    assert slt.is_contiguous(memory_format=torch.channels_last)
    for key, value in plain.items():
        torch.testing.assert_close(last[key], value, rtol=1e-4, atol=1e-5)
    # the same update up to summation order. Elementwise, float32 noise
    # through training-mode BatchNorm backward (differences of large, nearly
    # cancelling sums with an untrained teacher's KD gradients) reaches a few
    # percent of small steps, so compare each network's whole update: a
    # wrong layout would not point the same way
    for prefix in ('architecture.', 'self_learning_teachers.'):
        keys = [k for k in plain_w if k.startswith(prefix)]
        a = torch.cat([plain_w[k].flatten() for k in keys])
        b = torch.cat([last_w[k].flatten() for k in keys])
        assert torch.nn.functional.cosine_similarity(a, b, dim=0) > 0.999
        assert abs(b.norm() / a.norm() - 1) < 1e-3
    for key in plain_w:
        if key.startswith('teacher.'):
            assert last_w[key].abs().max() == 0  # the teacher is frozen

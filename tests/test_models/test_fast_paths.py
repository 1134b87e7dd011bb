# Copyright (c) mmslkd contributors. All rights reserved.
"""The speed options change how the arithmetic runs, not what it computes:
each gives the plain path's loss (and update) within tolerance on CPU."""
import copy
import os.path as osp
import types

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from mmslkd.benchmark import build_model_and_optimizer, random_batch
from mmslkd.engine.hooks import CompileModulesHook
from mmslkd.models.utils import BatchedClassifierEnsemble, ClassifierEnsemble

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SLKD = 'configs/slkd/slkd_r56_r20_cifar100.py'
AMTML = 'configs/amtml/amtml_r56+r110_r20_cifar100.py'


def _build(config, **model_options):
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.model.update(model_options)
    torch.manual_seed(0)
    return build_model_and_optimizer(cfg)


def _loss_and_grads(model, optim_wrapper, data):
    """The loss of one train_step and the gradients it produced."""
    captured = {}
    wrappers = getattr(optim_wrapper, 'values', lambda: [optim_wrapper])()
    for wrapper in wrappers:
        wrapper.zero_grad = lambda: None  # keep the gradients to compare
    log_vars = model.train_step(data, optim_wrapper)
    for name, param in model.named_parameters():
        if param.grad is not None:
            captured[name] = param.grad.clone()
    return log_vars['loss'].detach(), captured


def _assert_near(actual, expected, rel, name=''):
    """Relative error of the whole tensor: float summation order moves
    single tiny entries relatively far."""
    error = (actual - expected).norm()
    assert error <= rel * expected.norm() + 1e-7, (name, float(error),
                                                   float(expected.norm()))


def _same_weights(source, target):
    target.load_state_dict(source.state_dict())


def test_batched_ensemble_equals_separate_passes():
    from mmslkd.registry import MODELS
    net = Config.fromfile(
        osp.join(REPO, 'configs/_base_/models/cifar/resnet20.py')).resnet20
    torch.manual_seed(0)
    separate = MODELS.build(
        dict(type='mmslkd.ClassifierEnsemble', networks=[net] * 2))
    batched = MODELS.build(
        dict(type='mmslkd.BatchedClassifierEnsemble', networks=[net] * 2))
    assert separate.state_dict().keys() == batched.state_dict().keys()
    _same_weights(separate, batched)
    separate.train(), batched.train()
    x = torch.randn(8, 3, 32, 32)
    out_s, out_b = separate(x), batched(x)
    torch.testing.assert_close(out_b, out_s, rtol=1e-4, atol=1e-5)
    (out_s * torch.arange(100)).sum().backward()
    (out_b * torch.arange(100)).sum().backward()
    for (name, p_s), p_b in zip(separate.named_parameters(),
                                batched.parameters()):
        _assert_near(p_b.grad, p_s.grad, 1e-4, name)
    # BN running statistics moved in every member alike
    for (name, b_s), b_b in zip(separate.named_buffers(), batched.buffers()):
        torch.testing.assert_close(b_b, b_s, rtol=1e-4, atol=1e-6)
    assert batched.networks[1].backbone.bn1.num_batches_tracked == 1


def test_batched_ensemble_needs_one_architecture():
    cfgs = [
        Config.fromfile(osp.join(REPO,
                                 f'configs/_base_/models/cifar/{n}.py'))[n]
        for n in ('resnet8', 'resnet20')
    ]
    with pytest.raises(ValueError, match='one architecture'):
        BatchedClassifierEnsemble(cfgs)
    assert len(ClassifierEnsemble(cfgs)) == 2


def test_slkd_with_batched_ensemble_gives_the_same_loss():
    data = random_batch(8, 100)
    plain, plain_wrapper = _build(SLKD)
    batched, batched_wrapper = _build(
        SLKD, ensemble=dict(type='BatchedClassifierEnsemble'))
    _same_weights(plain, batched)
    loss_p, grads_p = _loss_and_grads(plain, plain_wrapper, data)
    loss_b, grads_b = _loss_and_grads(batched, batched_wrapper, data)
    torch.testing.assert_close(loss_b, loss_p, rtol=1e-4, atol=1e-4)
    for name, grad in grads_p.items():
        _assert_near(grads_b[name], grad, 1e-3, name)


@pytest.mark.parametrize('config', [SLKD, AMTML])
def test_teacher_inference_mode_changes_nothing_but_autograd(config):
    data = random_batch(8, 100)
    fast, fast_wrapper = _build(config, teacher_inference_mode=True)
    slow, slow_wrapper = _build(config, teacher_inference_mode=False)
    _same_weights(fast, slow)
    loss_f, grads_f = _loss_and_grads(fast, fast_wrapper, data)
    loss_s, grads_s = _loss_and_grads(slow, slow_wrapper, data)
    torch.testing.assert_close(loss_f, loss_s)
    assert grads_f.keys() == grads_s.keys()
    for name in grads_s:
        torch.testing.assert_close(grads_f[name], grads_s[name])
    assert not any(
        name.startswith(('teacher.', 'teachers.')) for name in grads_f)


@pytest.mark.parametrize('config', [SLKD, AMTML])
def test_bf16_autocast_losses_are_float32_and_close(config, monkeypatch):
    """AmpOptimWrapper (bfloat16) through train_step; MMEngine builds it only
    on accelerators, so the check is bypassed for this CPU test."""
    from mmengine.optim.optimizer import amp_optimizer_wrapper
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available',
                        lambda: True)
    data = random_batch(8, 100)
    model, wrapper = _build(config)
    reference = copy.deepcopy(model)
    cfg = Config.fromfile(osp.join(REPO, config))
    amp_cfg = copy.deepcopy(cfg.optim_wrapper)
    if 'optimizer' not in amp_cfg:  # separate optimizers: one AMP wrapper
        amp_cfg = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
    amp_cfg.update(type='AmpOptimWrapper', dtype='bfloat16')
    amp_cfg.pop('constructor', None)
    from mmengine.optim import build_optim_wrapper
    amp = build_optim_wrapper(model, amp_cfg)
    plain = OptimWrapper(torch.optim.SGD(reference.parameters(), lr=0.05))
    seen = []
    handle = torch.nn.modules.module.register_module_forward_hook(
        lambda m, i, o: seen.append(o.dtype) if torch.is_tensor(o) else None)
    try:
        log_amp = model.train_step(data, amp)
    finally:
        handle.remove()
    log_fp32 = reference.train_step(data, plain)
    assert torch.bfloat16 in seen  # the networks did run in bfloat16
    for key, value in log_amp.items():
        assert value.dtype == torch.float32, key
    torch.testing.assert_close(
        log_amp['loss'].detach(), log_fp32['loss'].detach(), rtol=3e-2, atol=0)


def test_compile_modules_hook_keeps_names_and_loss():
    data = random_batch(4, 100)
    eager, eager_wrapper = _build(SLKD)
    compiled, compiled_wrapper = _build(SLKD)
    _same_weights(eager, compiled)
    keys = list(compiled.state_dict())
    hook = CompileModulesHook(
        modules=['architecture', 'self_learning_teachers'],
        compile_cfg=dict(backend='eager'))
    hook.before_train(types.SimpleNamespace(model=compiled))
    assert list(compiled.state_dict()) == keys
    assert compiled.architecture._compiled_call_impl is not None
    loss_e, _ = _loss_and_grads(eager, eager_wrapper, data)
    loss_c, _ = _loss_and_grads(compiled, compiled_wrapper, data)
    torch.testing.assert_close(loss_c, loss_e, rtol=1e-5, atol=1e-5)
    with pytest.raises(KeyError, match='no module'):
        CompileModulesHook(modules=['students']).before_train(
            types.SimpleNamespace(model=compiled))


def test_reference_of_a_compiled_model_runs_eager():
    from mmslkd.benchmark import ReferenceStep
    model, wrapper = _build(SLKD)
    CompileModulesHook(
        modules=['architecture'],
        compile_cfg=dict(backend='eager')).before_train(
            types.SimpleNamespace(model=model))
    reference = ReferenceStep(model, wrapper)
    assert model.architecture._compiled_call_impl is not None
    assert reference.model.architecture._compiled_call_impl is None


def test_keep_freed_memory_hook_applies_glibc_settings(monkeypatch):
    from mmslkd.engine.hooks import KeepFreedMemoryHook
    from mmslkd.utils import malloc
    assert malloc.keep_freed_memory()  # glibc on the test machines
    warnings = []
    runner = types.SimpleNamespace(
        logger=types.SimpleNamespace(warning=warnings.append))
    KeepFreedMemoryHook().before_run(runner)
    assert not warnings
    # elsewhere it says so and changes nothing
    monkeypatch.setattr(malloc.ctypes.util, 'find_library', lambda _: None)
    KeepFreedMemoryHook().before_run(runner)
    assert 'not glibc' in warnings[0]

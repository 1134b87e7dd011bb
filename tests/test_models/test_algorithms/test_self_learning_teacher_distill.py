# Copyright (c) mmslkd contributors. All rights reserved.
"""SelfLearningTeacherDistill: losses, gradients, modes and bad input."""
import copy

import pytest
import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmpretrain.structures import DataSample
from reference_losses import ce_reference, dkd_reference, kd_reference

from mmslkd.models import SelfLearningTeacherDistill

NUM_CLASSES = 10


def classifier(arch='resnet8', num_classes=NUM_CLASSES, loss_weight=1.0):
    widths = dict(resnet8=64, resnet14=64, resnet8x4=256)
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmslkd.CIFARResNet', arch=arch),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=num_classes,
            in_channels=widths[arch],
            loss=dict(type='CrossEntropyLoss', loss_weight=loss_weight)))


def build(**kwargs):
    args = dict(
        architecture=classifier('resnet8'),
        teacher=classifier('resnet14'),
        teacher_ckpt='random',  # a random teacher will do here
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor'))
    args.update(kwargs)
    torch.manual_seed(0)
    model = SelfLearningTeacherDistill(**args)
    model.init_weights()
    return model.train()


def batch(size=6, seed=1):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(size, 3, 32, 32, generator=generator)
    labels = torch.randint(0, NUM_CLASSES, (size, ), generator=generator)
    samples = [DataSample().set_gt_label(int(y)) for y in labels]
    return inputs, samples, labels


WEIGHTS = dict(
    ce_weight=0.3,
    kd_weight=0.7,
    process_weight=1.3,
    ce_weight_cs=0.5,
    kd_weight_cs=1.7,
    self_learning_teacher_ce_weight=0.2,
    self_learning_teacher_kd_weight=0.6)


def test_each_term_equals_the_formula():
    model = build(
        teacher_loss=dict(type='KLDivergence', tau=3),
        self_learning_teacher_loss=dict(type='KLDivergence', tau=2),
        fused_loss=dict(type='KLDivergence', tau=5),
        fusion_weights=[0.25, 0.75],
        **WEIGHTS)
    generator = torch.Generator().manual_seed(3)
    z_s, z_t = (
        torch.randn(8, NUM_CLASSES, generator=generator) * 3 for _ in range(2))
    z_c = torch.randn(2, 8, NUM_CLASSES, generator=generator) * 3
    labels = torch.randint(0, NUM_CLASSES, (8, ), generator=generator)
    fused = 0.25 * z_c[0] + 0.75 * z_c[1]

    losses = model.student_losses(z_s, z_t, z_c, labels)
    losses.update(model.self_learning_teacher_losses(z_c, z_t, labels))
    expected = {
        'student.loss_ce': 0.3 * ce_reference(z_s, labels),
        'student.loss_kd': 0.7 * kd_reference(z_s, z_t, 3),
        'student.loss_ce_cs': 1.3 * 0.5 * ce_reference(z_s, labels),
        'student.loss_kd_cs': 1.3 * 1.7 * kd_reference(z_s, fused, 5),
    }
    for i in range(2):
        expected[f'slt{i}.loss_ce'] = 0.2 * ce_reference(z_c[i], labels)
        expected[f'slt{i}.loss_kd'] = 0.6 * kd_reference(z_c[i], z_t, 2)
    assert set(losses) == set(expected)
    for key, value in expected.items():
        torch.testing.assert_close(
            losses[key].double(), value, rtol=1e-5, atol=0, msg=key)


def test_official_defaults():
    model = build()
    assert (model.ce_weight, model.kd_weight, model.process_weight,
            model.ce_weight_cs, model.kd_weight_cs) == (0.1, 0.9, 1, 1, 1)
    assert model.self_learning_teacher_ce_weight == 0.1
    assert model.self_learning_teacher_kd_weight == 0.9
    assert model.teacher_loss.tau == model.fused_loss.tau == 4
    assert model.detach_fused_target is False
    assert torch.equal(model.fusion_weights, torch.tensor([0.5, 0.5]))
    # the SL-Ts copy the teacher's architecture, with their own weights
    first, second = model.self_learning_teachers.networks
    teacher = model.teacher
    assert len(first.backbone.layer1) == len(teacher.backbone.layer1) == 2
    assert not torch.equal(first.backbone.conv1.weight,
                           second.backbone.conv1.weight)
    assert not torch.equal(first.backbone.conv1.weight,
                           teacher.backbone.conv1.weight)


def test_zero_weight_terms_are_skipped_table7_ablations():
    z = torch.randn(2, NUM_CLASSES)
    z_c = torch.randn(2, 2, NUM_CLASSES)
    labels = torch.tensor([1, 2])
    # "T only": P = 0 is vanilla KD
    losses = build(process_weight=0.0).student_losses(z, z, z_c, labels)
    assert set(losses) == {'student.loss_ce', 'student.loss_kd'}
    # "SL-T only": the student ignores the teacher, the SL-Ts do not
    model = build(kd_weight=0.0, self_learning_teacher_kd_weight=0.9)
    assert set(model.student_losses(z, z, z_c, labels)) == {
        'student.loss_ce', 'student.loss_ce_cs', 'student.loss_kd_cs'
    }
    assert 'slt0.loss_kd' in model.self_learning_teacher_losses(z_c, z, labels)


def test_composes_with_dkd():
    model = build(
        teacher_loss=dict(type='DKDLoss', tau=4, alpha=1.0, beta=8.0),
        self_learning_teacher_loss=dict(type='KLDivergence', tau=4),
        ce_weight=1.0,
        kd_weight=1.0,
        self_learning_teacher_kd_weight=0.9)
    z_s, z_t = torch.randn(4, NUM_CLASSES) * 2, torch.randn(4, NUM_CLASSES) * 2
    z_c = torch.randn(2, 4, NUM_CLASSES)
    labels = torch.tensor([0, 3, 5, 9])
    losses = model.student_losses(z_s, z_t, z_c, labels)
    torch.testing.assert_close(
        losses['student.loss_kd'].double(),
        dkd_reference(z_s, z_t, labels, 1.0, 8.0, 4),
        rtol=1e-4,
        atol=0)
    slt = model.self_learning_teacher_losses(z_c, z_t, labels)
    torch.testing.assert_close(
        slt['slt1.loss_kd'].double(),
        0.9 * kd_reference(z_c[1], z_t, 4),
        rtol=1e-5,
        atol=0)


def _grads(module):
    return [p.grad for p in module.parameters()]


@pytest.mark.parametrize('detach', [False, True])
def test_gradient_flow(detach):
    model = build(detach_fused_target=detach)
    inputs, samples, _ = batch()
    losses = model.loss(inputs, samples)
    slts = model.self_learning_teachers

    # the student's term towards the fused SL-Ts reaches the SL-Ts iff the
    # target is not detached (official: it is not)
    losses['student.loss_kd_cs'].backward(retain_graph=True)
    reached = any(g is not None and g.abs().sum() > 0 for g in _grads(slts))
    assert reached is not detach
    assert all(g is None for g in _grads(model.teacher))
    model.zero_grad(set_to_none=True)

    # the SL-Ts' own terms train the SL-Ts only
    sum(v for k, v in losses.items()
        if k.startswith('slt')).backward(retain_graph=True)
    for net in slts.networks:
        assert all(g is not None and g.abs().sum() > 0
                   for g in _grads(net.head))
    assert all(g is None for g in _grads(model.student))
    model.zero_grad(set_to_none=True)

    # the student's terms always train the student, never the teacher
    losses['student.loss_kd'].backward()
    assert all(g is not None for g in _grads(model.student.head))
    assert all(g is None for g in _grads(model.teacher))


@pytest.mark.parametrize('num', [1, 3])
def test_any_number_of_self_learning_teachers(num):
    model = build(num_self_learning_teachers=num)
    inputs, samples, _ = batch()
    losses = model.loss(inputs, samples)
    assert {k.split('.')[0]
            for k in losses} == {'student'} | {f'slt{i}'
                                               for i in range(num)}
    torch.testing.assert_close(model.fusion_weights,
                               torch.full((num, ), 1 / num))
    logits = model.predict_logits(inputs)
    assert list(logits) == ['student'] + [f'slt{i}' for i in range(num)
                                          ] + ['slt_fused', 'teacher']
    torch.testing.assert_close(
        logits['slt_fused'],
        sum(logits[f'slt{i}'] for i in range(num)) / num)


@pytest.mark.parametrize('kwargs,message', [
    (dict(fusion_weights=[0.3, 0.3]), 'must sum to 1'),
    (dict(fusion_weights=[1.5, -0.5]), 'non-negative'),
    (dict(fusion_weights=[1.0]), 'one weight per SL-T'),
    (dict(num_self_learning_teachers=0), 'integer >= 1'),
    (dict(self_learning_teacher=classifier('resnet8', num_classes=100)),
     'Class-count mismatch.*self-learning teacher 0: 100'),
    (dict(teacher=classifier('resnet14', num_classes=100)),
     'Class-count mismatch.*teacher: 100'),
    (dict(architecture=classifier('resnet8', loss_weight=0.1)),
     'keep head.loss.loss_weight at 1.0'),
    (dict(training_mode='alternate'), 'training_mode must be one of'),
    (dict(training_mode='two_stage'), 'self_learning_teacher_epochs'),
    (dict(self_learning_teacher_epochs=3), 'self_learning_teacher_epochs'),
    (dict(kd_weight=-1.0), 'kd_weight must be >= 0'),
])
def test_bad_configs_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build(**kwargs)


def test_wrong_optimizer_layout_is_explained():
    inputs, samples, _ = batch()
    data = dict(inputs=list(inputs), data_samples=samples)
    parallel = build()
    wrappers = OptimWrapperDict(
        architecture=OptimWrapper(
            torch.optim.SGD(parallel.student.parameters(), lr=0.1)),
        self_learning_teachers=OptimWrapper(
            torch.optim.SGD(
                parallel.self_learning_teachers.parameters(), lr=0.1)))
    with pytest.raises(TypeError, match='single optim_wrapper'):
        parallel.train_step(data, wrappers)
    sequential = build(training_mode='sequential')
    with pytest.raises(TypeError, match='SeparateOptimWrapperConstructor'):
        sequential.train_step(
            data,
            OptimWrapper(torch.optim.SGD(sequential.parameters(), lr=0.1)))
    with pytest.raises(RuntimeError, match='MMSeparateDistributedDataParall'):
        sequential.loss(inputs, samples)


# --- the official iteration, written from spec slkd.md sections 0 and 3 ---


def official_iteration(student, teacher, children, optimizers, inputs, labels):
    """TECH_KD.forward_train + KD_Trainer.train_iter with CIFAR defaults."""
    for opt in optimizers:
        opt.zero_grad()
    z_s = student(inputs, mode='tensor')
    z_c1 = children[0](inputs, mode='tensor')
    z_c2 = children[1](inputs, mode='tensor')
    z_c = 0.5 * z_c1 + 0.5 * z_c2
    with torch.no_grad():
        z_t = teacher(inputs, mode='tensor')
    ce = torch.nn.functional.cross_entropy
    loss_ce = 0.1 * ce(z_s, labels)
    loss_kd = 0.9 * kd_reference(z_s, z_t, 4)
    loss_kd_tc = sum(0.1 * ce(z, labels) + 0.9 * kd_reference(z, z_t, 4)
                     for z in (z_c1, z_c2))
    loss_kd_cs = 1.0 * (1.0 * ce(z_s, labels) +
                        1.0 * kd_reference(z_s, z_c, 4))
    (loss_ce + loss_kd + loss_kd_tc + loss_kd_cs).backward()
    for opt in optimizers:  # student, child1, child2
        opt.step()


def test_parallel_step_equals_the_official_iteration():
    model = build()
    official = copy.deepcopy(model)
    sgd = dict(lr=0.05, momentum=0.9, weight_decay=5e-4)
    wrapper = OptimWrapper(
        torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                        **sgd))
    children = list(official.self_learning_teachers.networks)
    optimizers = [
        torch.optim.SGD(net.parameters(), **sgd)
        for net in [official.student] + children
    ]
    for seed in (1, 2):
        inputs, samples, labels = batch(seed=seed)
        model.train_step(
            dict(inputs=list(inputs), data_samples=samples), wrapper)
        official.train()
        official_iteration(official.student, official.teacher, children,
                           optimizers, inputs, labels)
    for (name, ours), theirs in zip(model.state_dict().items(),
                                    official.state_dict().values()):
        torch.testing.assert_close(
            ours, theirs, rtol=1e-5, atol=1e-6, msg=name)
    changed = model.student.head.fc.weight
    assert not torch.equal(changed, build().student.head.fc.weight)


def test_sequential_step_updates_self_learning_teachers_first():
    model = build(training_mode='sequential')
    reference = copy.deepcopy(model)
    wrappers = OptimWrapperDict(
        architecture=OptimWrapper(
            torch.optim.SGD(model.student.parameters(), lr=0.1)),
        self_learning_teachers=OptimWrapper(
            torch.optim.SGD(model.self_learning_teachers.parameters(),
                            lr=0.1)))
    inputs, samples, labels = batch()
    model.train_step(dict(inputs=list(inputs), data_samples=samples), wrappers)

    # by hand: SL-T step on their own loss, then the student learns from
    # the updated SL-Ts (no gradient into them)
    ref_slt = torch.optim.SGD(
        reference.self_learning_teachers.parameters(), lr=0.1)
    ref_student = torch.optim.SGD(reference.student.parameters(), lr=0.1)
    with torch.no_grad():
        z_t = reference.teacher(inputs, mode='tensor')
    z_c = reference.self_learning_teachers(inputs)
    sum(reference.self_learning_teacher_losses(z_c, z_t,
                                               labels).values()).backward()
    ref_slt.step()
    with torch.no_grad():
        z_c = reference.self_learning_teachers(inputs)
    z_s = reference.student(inputs, mode='tensor')
    sum(reference.student_losses(z_s, z_t, z_c, labels).values()).backward()
    ref_student.step()
    for (name, ours), theirs in zip(model.state_dict().items(),
                                    reference.state_dict().values()):
        torch.testing.assert_close(
            ours, theirs, rtol=1e-5, atol=1e-6, msg=name)


def test_self_learning_teacher_lr_and_decay_per_network():
    from mmengine.optim import build_optim_wrapper
    model = build()
    wrapper = build_optim_wrapper(
        model,
        dict(
            optimizer=dict(
                type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4),
            paramwise_cfg=dict(
                custom_keys=dict(
                    self_learning_teachers=dict(lr_mult=0.5,
                                                decay_mult=2.0)))))
    slt_params = {id(p) for p in model.self_learning_teachers.parameters()}
    student_params = {id(p) for p in model.student.parameters()}
    for group in wrapper.optimizer.param_groups:
        (param, ) = group['params']
        if id(param) in slt_params:
            assert group['lr'] == pytest.approx(0.025)
            assert group['weight_decay'] == pytest.approx(1e-3)
        elif id(param) in student_params:
            assert group['lr'] == pytest.approx(0.05)
            assert group['weight_decay'] == pytest.approx(5e-4)

# Copyright (c) mmslkd contributors. All rights reserved.
"""TrajectoryDistill: the replayed record of each epoch, the student's
terms against the formulas, gradients, and refused trajectories."""
import os

import pytest
import torch
from mmengine.logging import MessageHub
from mmpretrain.structures import DataSample
from reference_losses import ce_reference, dkd_reference, kd_reference

from mmslkd.models import TrajectoryDistill
from mmslkd.registry import MODELS
from mmslkd.utils.trajectory import (Trajectory, TrajectoryError,
                                     TrajectoryWriter, weights_sha256)

NUM_CLASSES = 10


def classifier(arch='resnet8', num_classes=NUM_CLASSES):
    return dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
        backbone=dict(type='mmslkd.CIFARResNet', arch=arch),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=num_classes,
            in_channels=64,
            loss=dict(type='CrossEntropyLoss')))


def build(folder, **kwargs):
    args = dict(
        architecture=classifier('resnet8'),
        teacher=classifier('resnet14'),
        trajectory=str(folder),
        teacher_ckpt='random',  # the trajectories here record its weights
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor'))
    args.update(kwargs)
    torch.manual_seed(0)
    model = TrajectoryDistill(**args)
    model.init_weights()
    return model.train()


def record(folder,
           teacher,
           epochs=(0, 2, 3),
           max_epochs=3,
           arch='resnet14',
           num_classes=NUM_CLASSES,
           num_networks=2,
           kind='self_learning_teachers'):
    """A trajectory of random networks; returns their weights per epoch."""
    cfg = classifier(arch, num_classes)
    networks = [MODELS.build(cfg) for _ in range(num_networks)]
    writer = TrajectoryWriter(
        str(folder),
        kind,
        cfg,
        networks,
        num_classes=num_classes,
        max_epochs=max_epochs,
        teacher=dict(weights_sha256=weights_sha256(teacher.state_dict())))
    writer.start(0)
    recorded = {}
    for epoch in epochs:
        for net in networks:  # the networks "learn" between records
            for p in net.parameters():
                p.data.add_(torch.randn_like(p) * 0.1)
        writer.record(epoch, networks)
        recorded[epoch] = [{
            k: v.clone()
            for k, v in net.state_dict().items()
        } for net in networks]
    return recorded


def batch(size=6, seed=1):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(size, 3, 32, 32, generator=generator)
    labels = torch.randint(0, NUM_CLASSES, (size, ), generator=generator)
    samples = [DataSample().set_gt_label(int(y)) for y in labels]
    return inputs, samples, labels


@pytest.fixture
def epoch():
    """Set MessageHub's (0-based) training epoch as the Runner does."""
    hub = MessageHub.get_current_instance()
    before = hub.get_info('epoch')

    def set_epoch(one_based):
        hub.update_info('epoch', one_based - 1)

    yield set_epoch
    hub.update_info('epoch', before if before is not None else 0)


def test_each_epoch_replays_the_latest_record_not_after_it(tmp_path, epoch):
    model = build(tmp_path)
    recorded = record(tmp_path, model.teacher, epochs=(0, 2, 3))
    model.check_trajectory(3)
    inputs, samples, _ = batch()
    for e, expected in ((1, 0), (2, 2), (3, 3)):
        epoch(e)
        model.loss(inputs, samples)
        assert model.replayed_epoch == expected
        for net, state in zip(model.replayed_networks(e),
                              recorded[expected]):
            for key, value in state.items():
                assert torch.equal(net.state_dict()[key], value), key
            assert not net.training
    # nothing of the trajectory is saved in the run's checkpoints
    assert not [k for k in model.state_dict() if 'replay' in k]
    assert sum(p.numel() for p in model.parameters()) == sum(
        p.numel() for p in model.student.parameters()) + sum(
            p.numel() for p in model.teacher.parameters())


WEIGHTS = dict(
    ce_weight=0.3,
    kd_weight=0.7,
    process_weight=1.3,
    ce_weight_cs=0.5,
    kd_weight_cs=1.7)


def test_each_term_equals_the_formula(tmp_path, epoch):
    model = build(tmp_path, fusion_weights=[0.25, 0.75], **WEIGHTS)
    for net in (model.student, model.teacher):
        # logits of a few units, so that float32 KL terms are not noise
        net.head.fc.weight.data.mul_(100)
    record(tmp_path, model.teacher, epochs=(0, 1), max_epochs=1)
    model.check_trajectory(1)
    epoch(1)
    inputs, samples, labels = batch()
    losses = model.loss(inputs, samples)

    networks = model.replayed_networks(1)
    with torch.no_grad():
        z_s = model.student(inputs, mode='tensor')
        z_t = model.teacher(inputs, mode='tensor')
        z_1, z_2 = (net(inputs, mode='tensor') for net in networks)
    z_c = 0.25 * z_1 + 0.75 * z_2
    ce = ce_reference(z_s, labels)
    expected = {
        'student.loss_ce': 0.3 * ce,
        'student.loss_ce_cs': 1.3 * 0.5 * ce,
        'student.loss_kd': 0.7 * kd_reference(z_s, z_t, 4),
        'student.loss_kd_cs': 1.3 * 1.7 * kd_reference(z_s, z_c, 4),
    }
    assert set(losses) == set(expected)
    for name, value in expected.items():
        assert torch.allclose(
            losses[name].double(), value, rtol=1e-5, atol=0), \
            (name, losses[name].item(), value.item())


def test_a_teacher_loss_that_takes_labels_gets_them(tmp_path, epoch):
    """DKD towards the teacher: SLKD's student terms are one shared
    function, so what composes with SLKD composes with a replay."""
    model = build(
        tmp_path,
        teacher_loss=dict(type='DKDLoss', tau=4, alpha=1.0, beta=8.0),
        ce_weight=1.0,
        kd_weight=1.0)
    for net in (model.student, model.teacher):
        net.head.fc.weight.data.mul_(100)
    record(tmp_path, model.teacher, epochs=(0, 1), max_epochs=1)
    epoch(1)
    inputs, samples, labels = batch()
    losses = model.loss(inputs, samples)
    with torch.no_grad():
        z_s = model.student(inputs, mode='tensor')
        z_t = model.teacher(inputs, mode='tensor')
    torch.testing.assert_close(
        losses['student.loss_kd'].double(),
        dkd_reference(z_s, z_t, labels, 1.0, 8.0, 4),
        rtol=1e-4,
        atol=0)


def test_only_the_student_learns(tmp_path, epoch):
    model = build(tmp_path)
    record(tmp_path, model.teacher, epochs=(0, 1), max_epochs=1)
    epoch(1)
    inputs, samples, _ = batch()
    # without TrajectoryCheckHook the first step checks the trajectory
    sum(model.loss(inputs, samples).values()).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.student.parameters() if p.requires_grad)
    assert all(p.grad is None for p in model.teacher.parameters())
    for net in model.replayed_networks(1):
        assert all(not p.requires_grad and p.grad is None
                   for p in net.parameters())


def test_zero_weights_skip_the_trajectory(tmp_path, epoch):
    model = build(tmp_path, process_weight=0.0)
    record(tmp_path, model.teacher, epochs=(0, 1), max_epochs=1)
    epoch(1)
    inputs, samples, _ = batch()
    assert set(model.loss(inputs, samples)) == {
        'student.loss_ce', 'student.loss_kd'
    }
    assert model.replayed_epoch is None


def test_validation_reports_replayed_networks(tmp_path, epoch):
    model = build(tmp_path)
    record(tmp_path, model.teacher, epochs=(0, 1), max_epochs=1)
    inputs, samples, _ = batch()
    assert set(model.predict_logits(inputs)) == {'student', 'teacher'}
    epoch(1)
    model.loss(inputs, samples)
    assert set(model.predict_logits(inputs, with_teacher=False)) == {
        'student', 'trajectory0', 'trajectory1', 'trajectory_fused'
    }


# ------------------------------------------------------------ refused
def refused(tmp_path, max_epochs=3, **model_args):
    model = build(tmp_path / 'traj', **model_args)
    with pytest.raises(TrajectoryError) as err:
        model.check_trajectory(max_epochs)
    return str(err.value)


def test_refuses_another_teacher(tmp_path):
    other = MODELS.build(classifier('resnet14'))
    record(tmp_path / 'traj', other)
    message = refused(tmp_path)
    assert 'another teacher' in message and 'teacher_ckpt' in message


def test_refuses_a_teacher_trajectory_of_another_teacher(tmp_path):
    other = MODELS.build(classifier('resnet14'))
    record(tmp_path / 'traj', other, kind='teacher', num_networks=1)
    message = refused(tmp_path)
    assert 'none of its 3 recorded epochs' in message
    assert 'model.teacher_ckpt' in message


def test_accepts_a_teacher_trajectory_holding_the_teacher(tmp_path, epoch):
    model = build(tmp_path)
    cfg = classifier('resnet14')
    writer = TrajectoryWriter(
        str(tmp_path), 'teacher', cfg, [model.teacher], NUM_CLASSES, 1)
    writer.start(0)
    writer.record(0, [MODELS.build(cfg)])
    writer.record(1, [model.teacher])
    model.check_trajectory(1)
    epoch(1)
    inputs, samples, _ = batch()
    model.loss(inputs, samples)
    logits = model.predict_logits(inputs)
    torch.testing.assert_close(logits['trajectory_fused'], logits['teacher'])


def test_refuses_another_architecture(tmp_path):
    model = build(tmp_path / 'traj')
    record(tmp_path / 'traj', model.teacher, arch='resnet8')
    message = refused(tmp_path)
    assert 'another architecture' in message
    assert 'CIFARResNet resnet8 networks' in message
    assert 'trajectory_network' in message


def test_refuses_another_class_count(tmp_path):
    model = build(tmp_path / 'traj')
    record(tmp_path / 'traj', model.teacher, num_classes=100)
    message = refused(tmp_path)
    assert 'recorded for 100 classes' in message and 'predict 10' in message


def test_refuses_a_shorter_schedule(tmp_path):
    model = build(tmp_path / 'traj')
    record(tmp_path / 'traj', model.teacher)
    message = refused(tmp_path, max_epochs=5)
    assert 'shorter schedule (3 epochs)' in message
    assert 'train_cfg.max_epochs=5' in message


def test_a_longer_schedule_needs_strict_schedule_false(tmp_path):
    model = build(tmp_path / 'traj')
    record(tmp_path / 'traj', model.teacher)
    message = refused(tmp_path, max_epochs=2)
    assert 'strict_schedule=False' in message
    build(tmp_path / 'traj', strict_schedule=False).check_trajectory(2)


def test_refuses_an_incomplete_or_damaged_trajectory(tmp_path):
    model = build(tmp_path / 'traj')
    record(tmp_path / 'traj', model.teacher, epochs=(0, 2))
    assert 'stopped after epoch 2 of 3' in refused(tmp_path)
    record(tmp_path / 'traj', model.teacher, epochs=(0, 2, 3))
    os.remove(tmp_path / 'traj' / 'epoch_2.pth')
    assert "lacks record files ['epoch_2.pth']" in refused(tmp_path)
    assert 'No trajectory at' in refused(tmp_path / 'nowhere')


def test_refuses_fusion_weights_of_another_count(tmp_path):
    model = build(tmp_path / 'traj')
    record(tmp_path / 'traj', model.teacher)
    assert 'holds 2 networks' in refused(tmp_path, fusion_weights=[1.0])


def test_bad_arguments():
    with pytest.raises(ValueError, match='model.trajectory'):
        build('')
    with pytest.raises(ValueError, match='kd_weight must be a finite'):
        build('x', kd_weight=float('nan'))
    with pytest.raises(ValueError, match='must sum to 1'):
        build('x', fusion_weights=[0.5, 0.6])
    with pytest.raises(ValueError, match='loss_weight=0.1'):
        student = classifier()
        student['head']['loss']['loss_weight'] = 0.1
        build('x', architecture=student)


def test_manifest_describes_the_trajectory(tmp_path):
    teacher = MODELS.build(classifier('resnet14'))
    record(tmp_path, teacher, epochs=(0, 1, 3))
    trajectory = Trajectory(str(tmp_path))
    assert trajectory.kind == 'self_learning_teachers'
    assert trajectory.epochs == [0, 1, 3]
    assert trajectory.num_networks == 2 and trajectory.num_classes == 10
    assert trajectory.size_bytes == sum(
        os.path.getsize(tmp_path / f'epoch_{e}.pth') for e in (0, 1, 3))
    assert not [f for f in os.listdir(tmp_path) if f.endswith('.partial')]

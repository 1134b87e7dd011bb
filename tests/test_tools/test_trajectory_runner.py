# Copyright (c) mmslkd contributors. All rights reserved.
"""Recorded trajectories through the real Runner: the shipped recording
configs record the SL-Ts (or a teacher's training) epoch by epoch, the
replay configs give, in each epoch e, exactly the logits the recorded
networks produced at the end of their epoch e, and a replayed run that
crashes mid-way resumes exactly."""
import importlib.util
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmslkd.registry import MODELS
from mmslkd.utils.trajectory import TrajectoryError, weights_sha256

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SLT_RECORD = 'configs/trajectory/slt-trajectory-record_r56_r8_cifar100.py'
SLT_REPLAY = 'configs/trajectory/slt-trajectory_r56_r8_cifar100.py'
TEACHER_RECORD = 'configs/trajectory/resnet56-trajectory-record_cifar100.py'
TEACHER_REPLAY = 'configs/trajectory/teacher-trajectory_r56_r8_cifar100.py'
EPOCHS = 2
PROBE = torch.randn(
    4, 3, 32, 32, generator=torch.Generator().manual_seed(7))


class RecordedLogits(Hook):
    """At the end of each epoch: eval-mode logits of the recorded networks
    on the probe images."""

    def __init__(self, networks):
        self.networks, self.logits = networks, {}

    def after_train_epoch(self, runner):
        outputs = []
        for net in self.networks(runner.model):
            was_training = net.training
            net.eval()
            with torch.no_grad():
                outputs.append(net(PROBE, mode='tensor'))
            net.train(was_training)
        self.logits[runner.epoch + 1] = torch.stack(outputs)


class ReplayedLogits(Hook):
    """After the first iteration of each epoch: which record the algorithm
    replays, and the replayed networks' logits on the probe images."""

    def __init__(self):
        self.logits, self.records = {}, {}

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        epoch = runner.epoch + 1
        if epoch not in self.logits:
            self.records[epoch] = runner.model.replayed_epoch
            self.logits[epoch] = runner.model.replayed_logits(PROBE, epoch)


class CrashAt(Hook):

    def __init__(self, iteration):
        self.iteration = iteration

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.iteration:
            raise KeyboardInterrupt('simulated crash')


def random_augmentation(cfg):
    # so that resuming must also restore the random streams
    cfg.train_dataloader.dataset.pipeline = [
        dict(type='mmpretrain.RandomCrop', crop_size=32, padding=4),
        dict(type='mmpretrain.RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='mmpretrain.PackInputs'),
    ]


def small(cfg):
    """resnet8 instead of resnet56 (the same widths): faster networks."""
    model = cfg.model
    for net in (model.get('teacher'), model if 'backbone' in model else None):
        if net is not None:
            net.backbone.arch = 'resnet8'
    cfg.train_cfg.max_epochs = EPOCHS
    return cfg


def train(runner):
    """Train with the thread count of the function-scoped tests (conftest):
    module fixtures run before that fixture applies, and another count
    changes float summation order, so bitwise comparisons would fail."""
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        runner.train()
    finally:
        torch.set_num_threads(previous)


def publish(checkpoint, out):
    path = osp.join(REPO, 'tools', 'model_converters', 'publish_model.py')
    spec = importlib.util.spec_from_file_location('publish_model', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.publish(checkpoint, out)
    return out


@pytest.fixture(scope='module')
def random_teacher(tmp_path_factory):
    cfg = Config.fromfile(osp.join(REPO, 'configs/_base_/models/cifar/'
                                   'resnet8.py')).resnet8
    torch.manual_seed(3)
    with DefaultScope.overwrite_default_scope('mmslkd'):
        teacher = MODELS.build(cfg)
    path = str(tmp_path_factory.mktemp('teacher') / 'resnet8.pth')
    torch.save(dict(state_dict=teacher.state_dict()), path)
    return path


@pytest.fixture(scope='module')
def slt_recording(tmp_path_factory, tiny_cfg, cifar100_root, random_teacher):
    work_dir = str(tmp_path_factory.mktemp('slt_record'))
    cfg = small(tiny_cfg(SLT_RECORD, cifar100_root, work_dir))
    cfg.model.teacher_ckpt = random_teacher
    runner = Runner.from_cfg(cfg)
    probe = RecordedLogits(
        lambda model: model.self_learning_teachers.networks)
    runner.register_hook(probe)
    train(runner)
    return osp.join(work_dir, 'trajectory'), probe.logits, runner


def replay_cfg(tiny_cfg, cifar100_root, work_dir, teacher, trajectory,
               config=SLT_REPLAY):
    cfg = small(tiny_cfg(config, cifar100_root, work_dir))
    random_augmentation(cfg)
    cfg.model.teacher_ckpt = teacher
    cfg.model.trajectory = trajectory
    return cfg


@pytest.fixture(scope='module')
def slt_replay(tmp_path_factory, tiny_cfg, cifar100_root, random_teacher,
               slt_recording):
    work_dir = str(tmp_path_factory.mktemp('slt_replay'))
    runner = Runner.from_cfg(
        replay_cfg(tiny_cfg, cifar100_root, work_dir, random_teacher,
                   slt_recording[0]))
    probe = ReplayedLogits()
    runner.register_hook(probe)
    train(runner)
    return runner, probe


def test_recording_writes_the_manifest(slt_recording, random_teacher):
    folder, _, runner = slt_recording
    manifest = json.load(open(osp.join(folder, 'trajectory.json')))
    assert manifest['kind'] == 'self_learning_teachers'
    assert manifest['num_networks'] == 2 and manifest['num_classes'] == 100
    assert manifest['max_epochs'] == EPOCHS
    assert [r['epoch'] for r in manifest['records']] == [0, 1, 2]
    teacher = torch.load(random_teacher, weights_only=True)['state_dict']
    assert manifest['teacher']['weights_sha256'] == weights_sha256(teacher)
    assert manifest['teacher']['checkpoint'] == random_teacher
    assert manifest['network']['backbone']['arch'] == 'resnet8'
    # the last record holds the SL-Ts the run ended with
    last = torch.load(osp.join(folder, 'epoch_2.pth'), weights_only=True)
    for net, state in zip(runner.model.self_learning_teachers.networks,
                          last['state_dicts']):
        for key, value in net.state_dict().items():
            assert torch.equal(state[key], value), key


def test_replay_gives_the_recorded_logits_of_each_epoch(
        slt_recording, slt_replay):
    _, recorded, _ = slt_recording
    runner, probe = slt_replay
    assert probe.records == {1: 1, 2: 2}
    for epoch in range(1, EPOCHS + 1):
        assert torch.equal(probe.logits[epoch], recorded[epoch]), epoch
    # the student learnt; the replayed networks are in no checkpoint
    ckpt = torch.load(
        osp.join(runner.work_dir, f'epoch_{EPOCHS}.pth'), weights_only=False)
    assert all(
        k.startswith(('architecture.', 'teacher.', 'data_preprocessor.'))
        for k in ckpt['state_dict'])


def test_crashed_replay_resumes_exactly(tmp_path, tiny_cfg, cifar100_root,
                                        random_teacher, slt_recording,
                                        slt_replay):
    straight, _ = slt_replay
    work_dir = str(tmp_path / 'crashed')

    def cfg():
        return replay_cfg(tiny_cfg, cifar100_root, work_dir, random_teacher,
                          slt_recording[0])

    crashing = Runner.from_cfg(cfg())
    crashing.register_hook(CrashAt(9))  # 6 iterations an epoch: in epoch 2
    with pytest.raises(KeyboardInterrupt):
        crashing.train()
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    assert not osp.isfile(osp.join(work_dir, 'epoch_2.pth'))

    resumed_cfg = cfg()
    resumed_cfg.resume = True
    resumed = Runner.from_cfg(resumed_cfg)
    resumed.train()
    assert resumed.iter == straight.iter == 12
    assert resumed.model.replayed_epoch == 2
    ours = torch.load(
        osp.join(work_dir, 'epoch_2.pth'), weights_only=False)
    theirs = torch.load(
        osp.join(straight.work_dir, 'epoch_2.pth'), weights_only=False)
    assert ours['state_dict'].keys() == theirs['state_dict'].keys()
    for key, value in theirs['state_dict'].items():
        assert torch.equal(ours['state_dict'][key], value), key
    for state_a, state_b in zip(ours['optimizer']['state'].values(),
                                theirs['optimizer']['state'].values()):
        for name in state_a:
            assert torch.equal(state_a[name], state_b[name])


def test_teacher_trajectory_replays_the_teachers_training(
        tmp_path, tiny_cfg, cifar100_root):
    record_dir = str(tmp_path / 'teacher_record')
    cfg = small(tiny_cfg(TEACHER_RECORD, cifar100_root, record_dir))
    runner = Runner.from_cfg(cfg)
    recorded = RecordedLogits(lambda model: [model])
    runner.register_hook(recorded)
    runner.train()
    manifest = json.load(
        open(osp.join(record_dir, 'trajectory', 'trajectory.json')))
    assert manifest['kind'] == 'teacher' and manifest['num_networks'] == 1
    teacher = publish(
        osp.join(record_dir, f'epoch_{EPOCHS}.pth'),
        str(tmp_path / 'teacher.pth'))

    replay = Runner.from_cfg(
        replay_cfg(
            tiny_cfg,
            cifar100_root,
            str(tmp_path / 'replay'),
            teacher,
            osp.join(record_dir, 'trajectory'),
            config=TEACHER_REPLAY))
    probe = ReplayedLogits()
    replay.register_hook(probe)
    replay.train()
    assert probe.records == {1: 1, 2: 2}
    for epoch in range(1, EPOCHS + 1):
        assert torch.equal(probe.logits[epoch], recorded.logits[epoch])
    # in the last epoch the route reaches the teacher itself
    with torch.no_grad():
        assert torch.equal(probe.logits[EPOCHS][0],
                           replay.model.teacher(PROBE, mode='tensor'))


def test_recording_refuses_slts_the_student_trains(tmp_path, tiny_cfg,
                                                   cifar100_root,
                                                   random_teacher):
    cfg = small(
        tiny_cfg('configs/slkd/slkd_r56_r8_cifar100.py', cifar100_root,
                 str(tmp_path)))
    cfg.model.teacher_ckpt = random_teacher
    cfg.custom_hooks = [dict(type='TrajectoryRecorderHook')]
    with pytest.raises(TrajectoryError, match='process_weight=0'):
        Runner.from_cfg(cfg).train()

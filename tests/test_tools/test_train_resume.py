# Copyright (c) mmslkd contributors. All rights reserved.
"""Teacher training, publishing, KD and resume through the real Runner."""
import glob
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.runner import Runner

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_tool(name):
    path = osp.join(REPO, 'tools', 'model_converters', f'{name}.py')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def weights(state_dict, prefix):
    return {k: v for k, v in state_dict.items() if k.startswith(prefix)}


@pytest.fixture(scope='module')
def teacher_ckpt(tmp_path_factory, cifar100_root, tiny_cfg):
    """Train the resnet56 teacher config briefly and publish it."""
    work_dir = str(tmp_path_factory.mktemp('teacher'))
    cfg = tiny_cfg('configs/teachers/resnet56_cifar100.py', cifar100_root,
                   work_dir)
    runner = Runner.from_cfg(cfg)
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    after = runner.model.state_dict()
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    assert any(k.startswith('backbone.layer3') for k in changed)
    assert any(k.startswith('head.fc') for k in changed)
    published = osp.join(work_dir, 'resnet56.pth')
    load_tool('publish_model').publish(
        osp.join(work_dir, 'epoch_*.pth'), published)
    saved = torch.load(published, weights_only=True)
    assert set(saved) == {'state_dict', 'meta'}
    for key, value in saved['state_dict'].items():
        assert torch.equal(value, after[key])
    return published


def kd_cfg(tiny_cfg, cifar100_root, work_dir, teacher_ckpt, epochs):
    cfg = tiny_cfg('configs/kd/kd_r56_r8_cifar100.py', cifar100_root, work_dir)
    cfg.model.teacher_ckpt = teacher_ckpt
    cfg.train_cfg.max_epochs = epochs
    return cfg


def test_kd_distills_and_resumes_exactly(tmp_path, tiny_cfg, cifar100_root,
                                         teacher_ckpt):
    # uninterrupted: 2 epochs
    straight = Runner.from_cfg(
        kd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'straight'),
               teacher_ckpt, 2))
    teacher_state = torch.load(teacher_ckpt, weights_only=True)['state_dict']
    for key, value in teacher_state.items():
        assert torch.equal(straight.model.teacher.state_dict()[key], value)
    straight.train()
    final = straight.model.state_dict()

    # 1 epoch, then a new process-like Runner resumes to 2 epochs
    first = Runner.from_cfg(
        kd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'resumed'),
               teacher_ckpt, 1))
    first.train()
    cfg = kd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'resumed'),
                 teacher_ckpt, 2)
    cfg.resume = True
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    assert resumed.iter == straight.iter == 12
    for key, value in weights(final, 'architecture.').items():
        assert torch.equal(resumed.model.state_dict()[key], value), key
    # the teacher never changed
    for key, value in teacher_state.items():
        assert torch.equal(resumed.model.teacher.state_dict()[key], value)
    metrics = json.loads(
        open(
            glob.glob(
                str(tmp_path / 'resumed' / '*' / 'vis_data' /
                    'scalars.json'))[-1]).read().splitlines()[-1])
    assert {'accuracy/top1', 'teacher.accuracy/top1'} <= set(metrics)


def test_train_and_test_tools(tmp_path, tiny_cfg, cifar100_root, teacher_ckpt):
    cfg = kd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'work'), teacher_ckpt,
                 1)
    config = str(tmp_path / 'kd_tiny.py')
    cfg.dump(config)
    subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'train.py'), config, '--work-dir',
        str(tmp_path / 'work'), '--cfg-options', 'randomness.seed=1'
    ],
                   check=True,
                   cwd=REPO)
    ckpt = str(tmp_path / 'work' / 'epoch_1.pth')
    out = str(tmp_path / 'metrics.json')
    subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'test.py'), config, ckpt, '--out', out,
        '--work-dir',
        str(tmp_path / 'test')
    ],
                   check=True,
                   cwd=REPO)
    metrics = json.load(open(out))
    assert 0 <= metrics['accuracy/top1'] <= 100

    # the student alone, from the distillation checkpoint
    student = str(tmp_path / 'student.pth')
    subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'model_converters', 'distill_to_student.py'),
        ckpt, student
    ],
                   check=True,
                   cwd=REPO)
    student_cfg = tiny_cfg('configs/students/resnet8_cifar100.py',
                           cifar100_root, str(tmp_path / 'student'))
    student_config = str(tmp_path / 'student_tiny.py')
    student_cfg.dump(student_config)
    out2 = str(tmp_path / 'metrics_student.json')
    subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'test.py'), student_config, student, '--out',
        out2
    ],
                   check=True,
                   cwd=REPO)
    assert json.load(open(out2)) == metrics

    # a checkpoint of another model is refused, not half-loaded
    result = subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'test.py'), student_config, teacher_ckpt
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert 'does not fit the model of this config' in result.stderr


def test_launcher_without_torchrun_variables(tmp_path, tiny_cfg,
                                             cifar100_root):
    cfg = tiny_cfg('configs/students/resnet8_cifar100.py', cifar100_root,
                   str(tmp_path))
    config = str(tmp_path / 'student.py')
    cfg.dump(config)
    env = {
        k: v
        for k, v in __import__('os').environ.items()
        if k not in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
    }
    result = subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'train.py'), config, '--launcher', 'pytorch'
    ],
                            cwd=REPO,
                            env=env,
                            capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert 'tools/dist_train.sh' in result.stderr
    assert 'WORLD_SIZE' in result.stderr


def test_resume_options_pick_complete_checkpoints(tmp_path, tiny_cfg,
                                                  cifar100_root):
    spec = importlib.util.spec_from_file_location(
        'train_tool', osp.join(REPO, 'tools', 'train.py'))
    train_tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train_tool)

    def options(*argv):
        sys_argv = sys.argv
        sys.argv = ['train.py', 'config.py', *argv]
        try:
            return train_tool.parse_args()
        finally:
            sys.argv = sys_argv

    def config():
        return tiny_cfg('configs/students/resnet8_cifar100.py', cifar100_root,
                        str(tmp_path))

    # nothing saved yet: --resume starts the run
    cfg = train_tool.merge_args(config(), options('--resume'))
    assert cfg.resume is False and cfg.load_from is None
    # the newest complete checkpoint, not a damaged newer one
    good = tmp_path / 'epoch_1.pth'
    torch.save(
        dict(
            state_dict={},
            meta=dict(epoch=1, iter=6),
            message_hub={},
            optimizer={}), good)
    damaged = tmp_path / 'epoch_2.pth'
    damaged.write_bytes(good.read_bytes()[:40])
    (tmp_path / 'last_checkpoint').write_text(str(damaged))
    with pytest.warns(UserWarning, match='Skipping damaged'):
        cfg = train_tool.merge_args(config(), options('--resume'))
    assert cfg.resume is True and cfg.load_from == str(good)
    # an explicit damaged checkpoint is an error naming it
    with pytest.raises(Exception, match='epoch_2.pth.*truncated or corrupt'):
        train_tool.merge_args(config(), options('--resume', str(damaged)))
    # a teacher's (weights-only) checkpoint: not resumable, say load_from
    teacher = tmp_path / 'teacher.pth'
    torch.save(dict(state_dict={}, meta={}), teacher)
    with pytest.raises(Exception, match='cannot be resumed.*load_from'):
        train_tool.merge_args(config(), options('--resume', str(teacher)))
    # the work dir itself, or its last_checkpoint pointer file
    with pytest.raises(Exception, match='is a directory'):
        train_tool.merge_args(config(), options('--resume', str(tmp_path)))
    with pytest.raises(Exception, match='is not a checkpoint: it is a text'):
        train_tool.merge_args(
            config(), options('--resume', str(tmp_path / 'last_checkpoint')))

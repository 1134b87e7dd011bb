# Copyright (c) mmslkd contributors. All rights reserved.
"""SLKD through the real Runner: training, validation, resume, two stages."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner


def slkd_cfg(tiny_cfg, data_root, work_dir, config, epochs=2):
    cfg = tiny_cfg(config, data_root, work_dir)
    cfg.model.teacher_ckpt = 'random'
    # small networks keep the test fast; the algorithm is as shipped
    for key in ('architecture', 'teacher'):
        cfg.model[key].backbone.arch = 'resnet8' if key == 'architecture' \
            else 'resnet14'
        cfg.model[key].head.in_channels = 64
    cfg.train_cfg.max_epochs = epochs
    return cfg


def last_metrics(work_dir):
    path = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))[-1]
    lines = [json.loads(line) for line in open(path)]
    return [r for r in lines if 'accuracy/top1' in r]


@pytest.mark.parametrize('config', [
    'configs/slkd/slkd_r32x4_r8x4_cifar100.py',
    'configs/slkd/slkd-sequential_r32x4_r8x4_cifar100.py',
])
def test_resume_equals_uninterrupted(tmp_path, tiny_cfg, cifar100_root,
                                     config):
    straight = Runner.from_cfg(
        slkd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'a'), config))
    straight.train()

    first = Runner.from_cfg(
        slkd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'b'), config, 1))
    first.train()
    cfg = slkd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'b'), config)
    cfg.resume = True
    resumed = Runner.from_cfg(cfg)
    resumed.train()

    final = straight.model.state_dict()
    for key, value in resumed.model.state_dict().items():
        assert torch.equal(value, final[key]), key
    # the checkpoint holds every network and all optimizer state
    ckpt = torch.load(str(tmp_path / 'b' / 'epoch_2.pth'), weights_only=True)
    prefixes = {k.split('.')[0] for k in ckpt['state_dict']}
    assert prefixes == {'architecture', 'teacher', 'self_learning_teachers'}
    if 'sequential' in config:
        assert set(
            ckpt['optimizer']) == {'architecture', 'self_learning_teachers'}

    # validation reports every network; the teacher's numbers are repeated
    records = last_metrics(str(tmp_path / 'a'))
    assert len(records) == 2
    for name in ('slt0', 'slt1', 'slt_fused', 'teacher'):
        assert f'{name}.accuracy/top1' in records[-1]
    assert records[0]['teacher.accuracy/top1'] == \
        records[1]['teacher.accuracy/top1']


def test_validation_metrics_match_the_logits(tmp_path, tiny_cfg,
                                             cifar100_root):
    cfg = slkd_cfg(tiny_cfg, cifar100_root, str(tmp_path),
                   'configs/slkd/slkd_r32x4_r8x4_cifar100.py', 1)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    model = runner.model.eval()
    correct, total = {}, 0
    for data in runner.val_dataloader:
        data = model.data_preprocessor(data, False)
        labels = torch.cat([s.gt_label for s in data['data_samples']])
        for name, logits in model.predict_logits(data['inputs']).items():
            hits = (logits.argmax(1) == labels).sum().item()
            correct[name] = correct.get(name, 0) + hits
        total += len(labels)
    for name, hits in correct.items():
        key = 'accuracy/top1' if name == 'student' else \
            f'{name}.accuracy/top1'
        assert metrics[key] == pytest.approx(100 * hits / total), name


def test_two_stage_trains_self_learning_teachers_then_the_student(
        tmp_path, tiny_cfg, cifar100_root):
    cfg = slkd_cfg(tiny_cfg, cifar100_root, str(tmp_path),
                   'configs/slkd/slkd-two-stage_r32x4_r8x4_cifar100.py', 2)
    cfg.model.self_learning_teacher_epochs = 1
    cfg.param_scheduler.self_learning_teachers.end = 1
    cfg.param_scheduler.architecture.begin = 1
    runner = Runner.from_cfg(cfg)
    runner.model.init_weights()  # the Runner then keeps these weights
    initial = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    stage1 = torch.load(
        str(tmp_path / 'epoch_1.pth'), weights_only=True)['state_dict']
    final = runner.model.state_dict()

    def group(state, prefix):
        return {k: v for k, v in state.items() if k.startswith(prefix)}

    # stage 1: only the SL-Ts learn; the student is not even run
    for key, value in group(stage1, 'architecture.').items():
        assert torch.equal(value, initial[key]), key
    assert any(not torch.equal(v, initial[k])
               for k, v in group(stage1, 'self_learning_teachers.').items())
    # stage 2: the SL-Ts are fixed (eval mode: BN statistics too)
    for key, value in group(final, 'self_learning_teachers.').items():
        assert torch.equal(value, stage1[key]), key
    assert not torch.equal(final['architecture.head.fc.weight'],
                           stage1['architecture.head.fc.weight'])


def test_export_student_runs_without_the_algorithm(tmp_path, tiny_cfg,
                                                   cifar100_root, repo_root):
    import subprocess
    import sys
    cfg = slkd_cfg(tiny_cfg, cifar100_root, str(tmp_path / 'work'),
                   'configs/slkd/slkd_r32x4_r8x4_cifar100.py', 1)
    config = str(tmp_path / 'slkd.py')
    cfg.dump(config)
    runner = Runner.from_cfg(cfg)
    runner.train()
    student_metrics = runner.val_loop.run()

    tool = osp.join(repo_root, 'tools', 'model_converters',
                    'distill_to_student.py')
    exported = str(tmp_path / 'export' / 'student.pth')
    subprocess.run([
        sys.executable, tool,
        str(tmp_path / 'work' / 'epoch_1.pth'), exported, '--config', config
    ],
                   check=True,
                   cwd=repo_root)
    exported_cfg = open(exported[:-4] + '.py').read()
    assert 'SelfLearningTeacher' not in exported_cfg
    assert "type='ImageClassifier'" in exported_cfg
    out = str(tmp_path / 'metrics.json')
    subprocess.run([
        sys.executable,
        osp.join(repo_root, 'tools', 'test.py'), exported[:-4] + '.py',
        exported, '--out', out, '--work-dir',
        str(tmp_path / 'test')
    ],
                   check=True,
                   cwd=repo_root)
    metrics = json.load(open(out))
    assert metrics['accuracy/top1'] == pytest.approx(
        student_metrics['accuracy/top1'])

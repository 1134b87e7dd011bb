# Copyright (c) mmslkd contributors. All rights reserved.
"""tools/analysis_tools/study.py: finished runs are recorded as they end and
skipped by a rerun on a new machine (the teacher restored from the kept
copy); tables show partial results; stale runs (another teacher) rerun."""
import argparse
import importlib.util
import json
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_tool():
    spec = importlib.util.spec_from_file_location(
        'study_tool', osp.join(REPO, 'tools', 'analysis_tools', 'study.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tool(tmp_path, monkeypatch):
    module = load_tool()
    monkeypatch.setattr(module, 'ROOT', str(tmp_path / 'repo'))
    monkeypatch.setitem(
        module.STUDIES, 'toy',
        dict(
            title='toy study',
            teachers=[('configs/t.py', 'checkpoints/t.pth')],
            methods=[('alone', 'configs/a.py'), ('KD', 'configs/kd.py')],
            teacher_free=('alone', ),
            keep_teachers=True,
            readme_marker='study:toy'))
    return module


def args(tmp_path, **kw):
    defaults = dict(
        seeds=[0, 1],
        jobs=2,
        work_dir='work_dirs/study',
        results_dir=str(tmp_path / 'results'),
        rerun=False)
    defaults.update(kw)
    return argparse.Namespace(**defaults)


def test_new_machine_skips_recorded_runs(tool, tmp_path):
    # a first machine trained the teacher and two runs, and kept the teacher
    teacher = tmp_path / 'results' / 'teachers' / 't.pth'
    teacher.parent.mkdir(parents=True)
    torch.save({'state_dict': {'w': torch.ones(1)}}, teacher)
    study = tool.Study('toy', args(tmp_path))
    study.results.set_teacher(
        0,
        dict(
            config='configs/t.py',
            checkpoint='checkpoints/t.pth',
            sha256=tool.sha256(str(teacher)),
            metrics={'accuracy/top1': 60.0},
            minutes=3.0))
    study.results.add_run(
        'alone', {'accuracy/top1': 40.0, 'seed': 0, 'minutes': 1.0})
    study.results.add_run(
        'KD', {'accuracy/top1': 45.0, 'seed': 0, 'minutes': 2.0,
               'teacher_sha256': study.teacher_shas()})
    # a new machine: nothing but the repository (results + kept teacher)
    fresh = tool.Study('toy', args(tmp_path))
    todo = fresh.tasks()
    assert [(t[0], t[1], t[2]) for t in todo] == [('method', 'alone', 1),
                                                  ('method', 'KD', 1)]
    # the teacher was restored where the configs read it
    restored = osp.join(tool.ROOT, 'checkpoints', 't.pth')
    assert tool.sha256(restored) == tool.sha256(str(teacher))
    record = json.load(open(tmp_path / 'results' / 'toy.json'))
    assert record['minutes'] == 6.0
    # partial table: what is done, and how many seeds so far
    text = tool.table(fresh.spec, fresh.results.data)
    assert '| alone | 40.00 | 40.0 (1 of 2 seeds so far) |' in text
    assert 't 60.00' in text
    # --rerun trains everything again (the teacher stays)
    assert len(tool.Study('toy', args(tmp_path, rerun=True)).tasks()) == 4


def test_runs_of_another_teacher_are_redone(tool, tmp_path):
    teacher = tmp_path / 'results' / 'teachers' / 't.pth'
    teacher.parent.mkdir(parents=True)
    torch.save({'state_dict': {'w': torch.ones(1)}}, teacher)
    study = tool.Study('toy', args(tmp_path, seeds=[0]))
    study.results.set_teacher(
        0, dict(sha256=tool.sha256(str(teacher)),
                metrics={'accuracy/top1': 60.0}))
    study.results.add_run(
        'KD', {'accuracy/top1': 45.0, 'seed': 0,
               'teacher_sha256': ['another teacher']})
    study.results.add_run('alone', {'accuracy/top1': 40.0, 'seed': 0})
    todo = tool.Study('toy', args(tmp_path, seeds=[0])).tasks()
    assert [(t[1], t[2]) for t in todo] == [('KD', 0)]


def test_missing_teacher_is_trained_first(tool, tmp_path):
    study = tool.Study('toy', args(tmp_path, seeds=[0]))
    todo = study.tasks()
    assert todo[0][:2] == ('teacher', 0)
    assert study.needs_teachers(todo[-1]) and not study.needs_teachers(
        todo[1])


#: a teacher config and a KD config reading its checkpoint
KD_CONFIGS = {
    'configs/t.py': "model = dict(type='T')\n",
    'configs/kd.py': "model = dict(type='KD', "
    "teacher_ckpt='checkpoints/t.pth')\n",
}


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def other_study(tmp_path, teacher_config, teacher_sha, runs=None):
    """Another study's record: a kept teacher trained from
    ``teacher_config`` (checkpoints/t_other.pth) and its runs."""
    record = dict(
        seeds=[0],
        teachers=[60.0],
        teacher_runs=[
            dict(
                config=teacher_config,
                checkpoint='checkpoints/t.pth' if runs else
                'checkpoints/t_other.pth',
                sha256=teacher_sha,
                metrics={'accuracy/top1': 60.0},
                minutes=30.0)
        ],
        runs=runs or {})
    (tmp_path / 'results' / 'other.json').write_text(json.dumps(record))


def kept_teacher(tmp_path, name):
    path = tmp_path / 'results' / 'teachers' / name
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'state_dict': {'w': torch.ones(1)}}, path)
    return path


def test_teacher_of_another_study_with_equal_settings_is_reused(
        tool, tmp_path):
    root = tmp_path / 'repo'
    # t_eta.py differs from t.py in a helper variable only
    write(
        root, {
            'configs/t.py': "model = dict(type='T', eta=1.0)\n",
            'configs/t_base.py': "helper = dict(eta=0.6)\n"
            "model = dict(type='T', eta=0.6)\n",
            'configs/t_eta.py': "_base_ = ['./t_base.py']\n"
            'model = dict(eta=1.0)\n',
            'configs/t_other.py': "model = dict(type='T', eta=0.5)\n",
        })
    kept = kept_teacher(tmp_path, 't_other.pth')
    other_study(tmp_path, 'configs/t_other.py', tool.sha256(str(kept)))
    todo = tool.Study('toy', args(tmp_path, seeds=[0])).tasks()
    assert todo[0][:2] == ('teacher', 0)  # other settings: trained here
    other_study(tmp_path, 'configs/t_eta.py', tool.sha256(str(kept)))
    study = tool.Study('toy', args(tmp_path, seeds=[0]))
    assert [t[0] for t in study.tasks()] == ['method', 'method']
    record = study.results.data['teacher_runs'][0]
    assert record['reused_from'] == 'other: configs/t_eta.py'
    assert record['config'] == 'configs/t.py'
    assert tool.sha256(str(root / 'checkpoints' / 't.pth')) == \
        record['sha256']
    # kept under its own name too, and not counted in this study's minutes
    assert (tmp_path / 'results' / 'teachers' / 't.pth').is_file()
    assert json.load(open(tmp_path / 'results' / 'toy.json'))['minutes'] == 0
    assert 'shared with other' in tool.table(study.spec, study.results.data)


def test_run_of_another_study_is_reused_only_with_the_same_teacher(
        tool, tmp_path):
    write(tmp_path / 'repo', KD_CONFIGS)
    kept = kept_teacher(tmp_path, 't.pth')
    sha = tool.sha256(str(kept))
    runs = {
        'KD from t': [
            dict(seed=0, config='configs/kd.py', minutes=10.0,
                 teacher_sha256=[sha], **{'accuracy/top1': 45.0})
        ]
    }
    study = tool.Study('toy', args(tmp_path, seeds=[0, 1]))
    study.results.set_teacher(
        0, dict(config='configs/t.py', checkpoint='checkpoints/t.pth',
                sha256=sha, metrics={'accuracy/top1': 60.0}, minutes=3.0))
    # another teacher behind the same path: not reused
    other_study(tmp_path, 'configs/t.py', 'another sha', runs)
    task = ('method', 'KD', 0, 'configs/kd.py', 'w')
    assert study.reuse_run(task) is None
    other_study(tmp_path, 'configs/t.py', sha, runs)
    assert study.reuse_run(('method', 'KD', 1, 'configs/kd.py', 'w')) is None
    assert study.reuse_run(task) == 'KD, seed 0 (reused from other)'
    run = study.results.run('KD', 0)
    assert run['accuracy/top1'] == 45.0
    assert run['reused_from'] == 'other: KD from t'
    assert run['teacher_sha256'] == study.teacher_shas()
    assert study.results.data['minutes'] == 3.0
    # recorded: a later invocation has nothing left to do for seed 0
    todo = tool.Study('toy', args(tmp_path, seeds=[0, 1])).tasks()
    assert ('KD', 0) not in [(t[1], t[2]) for t in todo]


def test_run_learning_from_the_same_weights_under_another_name_is_reused(
        tool, tmp_path):
    write(
        tmp_path / 'repo', {
            **KD_CONFIGS,
            'configs/kd_other.py': "model = dict(type='KD', "
            "teacher_ckpt='checkpoints/t_other.pth')\n",
        })
    sha = tool.sha256(str(kept_teacher(tmp_path, 't.pth')))
    study = tool.Study('toy', args(tmp_path, seeds=[0]))
    study.results.set_teacher(
        0, dict(config='configs/t.py', checkpoint='checkpoints/t.pth',
                sha256=sha, metrics={'accuracy/top1': 60.0}))
    runs = {'KD': [dict(seed=0, config='configs/kd_other.py',
                        teacher_sha256=[sha], **{'accuracy/top1': 45.0})]}
    other_study(tmp_path, 'configs/t.py', 'other weights', runs)
    record = json.load(open(tmp_path / 'results' / 'other.json'))
    record['teacher_runs'][0]['checkpoint'] = 'checkpoints/t_other.pth'
    (tmp_path / 'results' / 'other.json').write_text(json.dumps(record))
    task = ('method', 'KD', 0, 'configs/kd.py', 'w')
    assert study.reuse_run(task) is None  # other weights at t_other.pth
    record['teacher_runs'][0]['sha256'] = sha
    record['runs']['KD'][0]['teacher_sha256'] = [sha]
    (tmp_path / 'results' / 'other.json').write_text(json.dumps(record))
    assert study.reuse_run(task) == 'KD, seed 0 (reused from other)'

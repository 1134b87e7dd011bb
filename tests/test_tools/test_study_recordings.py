# Copyright (c) mmslkd contributors. All rights reserved.
"""study.py's one-off recordings (issue 17): run after the teachers, before
the methods that replay them, once; redone when their trajectory is missing
or incomplete, or the teacher changed."""
import argparse
import importlib.util
import json
import os
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture
def tool(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        'study_tool', osp.join(REPO, 'tools', 'analysis_tools', 'study.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, 'ROOT', str(tmp_path / 'repo'))
    monkeypatch.setitem(
        module.STUDIES, 'toy',
        dict(
            title='toy study',
            teachers=[('configs/t.py', 'checkpoints/t.pth')],
            methods=[('KD', 'configs/kd.py'), ('replay', 'configs/r.py')],
            recordings=[('traj', 'configs/rec.py', 'checkpoints/traj', None)
                        ],
            needs_recordings=('replay', ),
            readme_marker='study:toy'))
    return module


def study_with_teacher(tool, tmp_path):
    args = argparse.Namespace(
        seeds=[0],
        jobs=1,
        work_dir='work_dirs/study',
        results_dir=str(tmp_path / 'results'),
        rerun=False)
    study = tool.Study('toy', args)
    teacher = tmp_path / 'repo' / 'checkpoints' / 't.pth'
    teacher.parent.mkdir(parents=True)
    torch.save({'state_dict': {'w': torch.ones(1)}}, teacher)
    study.results.set_teacher(
        0,
        dict(sha256=tool.sha256(str(teacher)),
             metrics={'accuracy/top1': 60.0}))
    return study


def write_manifest(tmp_path, last_epoch):
    folder = tmp_path / 'repo' / 'checkpoints' / 'traj'
    os.makedirs(folder, exist_ok=True)
    records = [dict(epoch=e) for e in (0, last_epoch)]
    (folder / 'trajectory.json').write_text(
        json.dumps(dict(max_epochs=2, records=records)))


def test_recordings_run_once_between_teachers_and_replays(tool, tmp_path):
    study = study_with_teacher(tool, tmp_path)
    todo = study.tasks()
    assert [t[:2] for t in todo] == [('recording', 'traj'), ('method', 'KD'),
                                     ('method', 'replay')]
    assert study.needs_teachers(todo[0])
    assert study.needs_recordings(todo[2])
    assert not study.needs_recordings(todo[1])

    # recorded with this teacher, trajectory complete: not redone
    study.results.data['recordings']['traj'] = dict(
        teacher_sha256=study.teacher_shas(), minutes=2.0, trajectory_mb=1.5)
    study.results.save()
    write_manifest(tmp_path, last_epoch=2)
    assert [t[1] for t in study.tasks()] == ['KD', 'replay']
    assert 'One-off recording, traj: 2.0 min, 1.5 MB.' in tool.table(
        study.spec, study.results.data)
    assert study.results.data['minutes'] == 2.0

    # an incomplete trajectory, or one of another teacher, is recorded again
    write_manifest(tmp_path, last_epoch=1)
    assert study.tasks()[0][:2] == ('recording', 'traj')
    write_manifest(tmp_path, last_epoch=2)
    study.results.data['recordings']['traj']['teacher_sha256'] = ['other']
    assert study.tasks()[0][:2] == ('recording', 'traj')

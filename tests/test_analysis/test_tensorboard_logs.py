# Copyright (c) mmslkd contributors. All rights reserved.
"""Runs that logged to TensorBoard only: the curves are read from the event
files that MMEngine's TensorboardVisBackend writes, and equal those read
from scalars.json."""
import importlib.util
import os.path as osp
import sys

import pytest

from mmslkd.analysis import load_training_log

pytest.importorskip('tensorboard')

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RECORDS = [
    # (step, tag) as LoggerHook gives them to the visualizer
    (10, {'lr': 0.05, 'loss': 3.0, 'loss_kd': 2.0, 'epoch': 1, 'iter': 10}),
    (20, {'lr': 0.05, 'loss': 2.0, 'loss_kd': 1.5, 'epoch': 1, 'iter': 20}),
    (1, {'accuracy/top1': 10.0, 'teacher.accuracy/top1': 70.0,
         'data_time': 0.1, 'time': 0.2}),
    (30, {'lr': 0.05, 'loss': 1.0, 'loss_kd': 0.5, 'epoch': 2, 'iter': 30}),
    (40, {'lr': 0.05, 'loss': 0.5, 'loss_kd': 0.2, 'epoch': 2, 'iter': 40}),
    (2, {'accuracy/top1': 20.0, 'teacher.accuracy/top1': 70.0,
         'data_time': 0.1, 'time': 0.2}),
]


def log_run(work_dir, backends):
    """Log RECORDS through MMEngine's visualizer, as a training run does."""
    from mmengine.visualization import Visualizer
    visualizer = Visualizer(
        name=f'tb_test_{osp.basename(work_dir)}_{len(backends)}',
        vis_backends=[dict(type=b) for b in backends],
        save_dir=osp.join(work_dir, '20260101_000000'))
    for step, tag in RECORDS:
        visualizer.add_scalars(dict(tag), step=step)
    visualizer.close()


def test_tensorboard_only_run_reads_like_scalars_json(tmp_path):
    both, tb_only = str(tmp_path / 'both'), str(tmp_path / 'tb')
    log_run(both, ['LocalVisBackend'])
    log_run(tb_only, ['TensorboardVisBackend'])
    expected = load_training_log(both)
    got = load_training_log(tb_only)
    for split in ('train', 'val'):
        assert len(got[split]) == len(expected[split])
        for ours, theirs in zip(got[split], expected[split]):
            assert ours.keys() == theirs.keys()
            for key, value in theirs.items():
                assert ours[key] == pytest.approx(value, rel=1e-6), key
    assert [r['iter'] for r in got['train']] == [10, 20, 30, 40]
    assert [r['step'] for r in got['val']] == [1, 2]


def test_plot_curves_on_a_tensorboard_run(tmp_path, capsys):
    work_dir = str(tmp_path / 'run')
    log_run(work_dir, ['TensorboardVisBackend'])
    spec = importlib.util.spec_from_file_location(
        'plot_curves_tb',
        osp.join(REPO, 'tools', 'analysis_tools', 'plot_curves.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main([work_dir, '--out-dir', str(tmp_path / 'out')])
    assert (tmp_path / 'out' / 'curves.png').stat().st_size > 0
    out = capsys.readouterr().out
    assert 'student: accuracy/top1 20.00 at epoch 2' in out
    assert 'teacher: accuracy/top1 70.00' in out


def test_missing_tensorboard_says_what_to_install(tmp_path, monkeypatch):
    work_dir = str(tmp_path / 'run')
    log_run(work_dir, ['TensorboardVisBackend'])
    monkeypatch.setitem(sys.modules, 'tensorboard', None)
    monkeypatch.setitem(
        sys.modules, 'tensorboard.backend.event_processing.event_file_loader',
        None)
    with pytest.raises(ImportError, match='pip install tensorboard'):
        load_training_log(work_dir)


def test_no_log_at_all(tmp_path):
    with pytest.raises(FileNotFoundError, match='TensorboardVisBackend'):
        load_training_log(str(tmp_path))

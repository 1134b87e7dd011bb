# Copyright (c) mmslkd contributors. All rights reserved.
import pytest
from conftest import write_scalars

from mmslkd.analysis import (accuracy_curves, find_scalar_logs,
                             load_training_log, loss_curves)


def test_resumed_run_merges_logs_and_splits_networks(tmp_path):
    work_dir = str(tmp_path)
    write_scalars(
        work_dir,
        '20260101_000000',
        [
            {
                'architecture.lr': 0.1,
                'loss': 3.0,
                'student.loss_kd': 2.0,
                'slt0.loss_ce': 1.0,
                'epoch': 1,
                'iter': 10,
                'step': 10
            },
            {
                'accuracy/top1': 10.0,
                'slt0.accuracy/top1': 12.0,
                'teacher.accuracy/top1': 70.0,
                'step': 1
            },
            # killed in epoch 2 after this; the resumed run logs it again
            {
                'architecture.lr': 0.1,
                'loss': 9.0,
                'student.loss_kd': 9.0,
                'slt0.loss_ce': 9.0,
                'epoch': 2,
                'iter': 20,
                'step': 20
            },
        ])
    write_scalars(work_dir, '20260101_010000', [
        {
            'architecture.lr': 0.1,
            'loss': 2.0,
            'student.loss_kd': 1.5,
            'slt0.loss_ce': 0.5,
            'epoch': 2,
            'iter': 20,
            'step': 20
        },
        {
            'accuracy/top1': 20.0,
            'slt0.accuracy/top1': 25.0,
            'teacher.accuracy/top1': 70.0,
            'step': 2
        },
    ])
    assert len(find_scalar_logs(work_dir)) == 2
    log = load_training_log(work_dir)
    # records without 'lr' (several optimizers) are still training records
    assert [r['step'] for r in log['train']] == [10, 20]
    assert [r['step'] for r in log['val']] == [1, 2]

    acc = accuracy_curves(log['val'])
    assert list(acc) == ['student', 'slt0', 'teacher']
    assert acc['student'] == ([1, 2], [10.0, 20.0])
    assert acc['slt0'] == ([1, 2], [12.0, 25.0])
    losses = loss_curves(log['train'])
    assert set(losses) == {'loss', 'student.loss_kd', 'slt0.loss_ce'}
    assert losses['student.loss_kd'] == ([10, 20], [2.0, 1.5])


def test_plain_training_run_is_called_model(tmp_path):
    write_scalars(str(tmp_path), 't', [{'accuracy/top1': 5.0, 'step': 1}])
    acc = accuracy_curves(load_training_log(str(tmp_path))['val'])
    assert acc == {'model': ([1], [5.0])}


def test_missing_log_names_the_expected_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='vis_data/scalars.json'):
        find_scalar_logs(str(tmp_path))

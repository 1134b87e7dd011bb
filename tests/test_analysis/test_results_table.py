# Copyright (c) mmslkd contributors. All rights reserved.
import os

import pytest
from conftest import write_scalars

from mmslkd.analysis import (build_results_table, canonical_network,
                             collect_runs, format_markdown, method_label)

DISTILL = "model = dict(type='X', architecture=dict())\n"
NETWORK = "model = dict(type='ImageClassifier')\n"


def fake_run(root,
             folder,
             config,
             accuracies,
             teacher=None,
             epochs=None,
             distill=None):
    """A work dir as tools/train.py leaves it: dumped config + scalars."""
    work_dir = os.path.join(root, folder)
    os.makedirs(work_dir)
    if distill is None:
        distill = config.count('_') == 3
    body = DISTILL if distill else NETWORK
    epochs = epochs or len(accuracies)
    with open(os.path.join(work_dir, config + '.py'), 'w') as f:
        f.write(body + f'train_cfg = dict(max_epochs={epochs})\n')
    records = []
    for epoch, acc in enumerate(accuracies, 1):
        records.append(dict(loss=1.0, epoch=epoch, iter=epoch, step=epoch))
        record = {'accuracy/top1': acc, 'step': epoch}
        if teacher is not None:
            record['teacher.accuracy/top1'] = teacher
        records.append(record)
    write_scalars(work_dir, '20260101_000000', records)
    return work_dir


def test_canonical_names_follow_the_paper():
    assert [
        canonical_network(n)
        for n in ('r32x4', 'r8x4', 'r56', 'wrn40-2', 'wrn_16_2', 'vgg13',
                  'shv1', 'shv2', 'r50', 'mv2', 'shv2-0.5', 'r56-icc',
                  'r20+vgg8', 'mystery')
    ] == [
        'resnet32x4', 'resnet8x4', 'resnet56', 'wrn_40_2', 'wrn_16_2', 'vgg13',
        'ShuffleV1', 'ShuffleV2', 'ResNet50', 'MobileNetV2', 'ShuffleV2-0.5',
        'resnet56-icc', 'resnet20+vgg8', 'mystery'
    ]
    assert method_label('slkd-sequential') == 'SLKD*'
    assert method_label('kd') == 'KD'


def test_table_in_the_papers_layout(tmp_path):
    root = str(tmp_path)
    fake_run(root, 'kd/s0', 'kd_r32x4_r8x4_cifar100', [50.0, 73.0], 79.0)
    fake_run(root, 'kd/s1', 'kd_r32x4_r8x4_cifar100', [50.0, 75.0], 79.0)
    fake_run(root, 'slkd', 'slkd_r32x4_r8x4_cifar100', [60.0, 77.0], 79.0)
    fake_run(root, 'dkd', 'dkd_r32x4_shv2_cifar100', [60.0, 76.5], 79.0)
    fake_run(root, 'scratch', 'resnet8x4_cifar100', [40.0, 72.0])
    fake_run(root, 'mine', 'kd_r20_r8tiny_mnist1k', [90.0, 95.0], 97.0)
    # stopped after 1 of 2 epochs: left out unless asked for
    fake_run(root, 'crashed', 'slkd_vgg13_vgg8_cifar100', [10.0], epochs=2)

    runs = collect_runs([root])
    assert len(runs) == 6
    table = build_results_table(runs)
    assert table['methods'] == ['DKD', 'KD', 'SLKD']
    assert list(table['tables']) == [
        'Table 1: same-series pairs', 'Table 2: cross-series pairs',
        'Other pairs'
    ]
    (row, ) = table['tables']['Table 1: same-series pairs']
    kd = row['ours']['methods']['KD']
    assert kd['mean'] == 74.0 and kd['std'] == pytest.approx(2**0.5)
    assert row['ours']['student']['mean'] == 72.0
    # no teacher run given: the teacher's logged accuracy
    assert row['ours']['teacher']['mean'] == 79.0

    text = format_markdown(table)
    assert ('| resnet32x4 79.00 (79.42) | resnet8x4 72.00 (72.50) | – '
            '(76.32) | 74.00 ± 1.41 (73.33) | 77.00 (76.85) |') in text
    assert '| resnet32x4 79.00 (79.42) | ShuffleV2 – (71.82) | 76.50 ' \
        '(77.07) |' in text
    assert '| resnet20 97.00 | resnet8tiny – | – | 95.00 | – |' in text

    with_unfinished = collect_runs([root], include_unfinished=True)
    assert len(with_unfinished) == 7


def test_best_instead_of_last(tmp_path):
    fake_run(str(tmp_path), 'kd', 'kd_r56_r8_cifar100', [61.0, 60.0])
    (run, ) = collect_runs([str(tmp_path)], how='best')
    assert run['value'] == 61.0
    (run, ) = collect_runs([str(tmp_path)])
    assert run['value'] == 60.0


def test_bad_paths_and_names(tmp_path):
    with pytest.raises(FileNotFoundError, match='No run at or below'):
        collect_runs([str(tmp_path)])
    fake_run(str(tmp_path), 'odd', 'my_kd_run_r8_x', [1.0], distill=True)
    with pytest.raises(ValueError, match='as {method}_{teacher}'):
        collect_runs([str(tmp_path)])

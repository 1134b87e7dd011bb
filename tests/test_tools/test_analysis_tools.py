# Copyright (c) mmslkd contributors. All rights reserved.
"""The analysis tools of tools/analysis_tools/ on tiny generated checkpoints
and logs: each writes a valid PNG of sensible size and data whose numbers
match a hand computation."""
import csv
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

from mmslkd.analysis import build_test_dataloader, collect_outputs, load_model

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PLAIN = osp.join(REPO, 'configs/embedded/resnet8tiny_mnist1k.py')
KD = osp.join(REPO, 'configs/embedded/kd_r20_r8tiny_mnist1k.py')
AMTML = osp.join(REPO,
                 'configs/embedded/amtml_r20+vgg8+wrn16-2_r8tiny_mnist1k.py')
SAMPLES = 40


def tool(name):
    path = osp.join(REPO, 'tools', 'analysis_tools', name + '.py')
    spec = importlib.util.spec_from_file_location(f'tool_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def checkpoint(config, path, seed=0):
    """A randomly initialised model of ``config``, saved as a checkpoint."""
    torch.manual_seed(seed)
    model = load_model(config)
    model.init_weights()
    torch.save(dict(meta=dict(), state_dict=model.state_dict()), path)
    return str(path)


def assert_png(path, min_size=(300, 200)):
    with Image.open(path) as image:
        assert image.format == 'PNG'
        width, height = image.size
        assert min_size[0] <= width <= 4000 and min_size[1] <= height <= 3000
        colours = image.convert('RGB').getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 8  # not a blank canvas


def test_plot_curves(tmp_path):
    from conftest import write_scalars
    work_dir = tmp_path / 'run'
    write_scalars(
        str(work_dir), '20260101_000000', [
            {
                'lr': 0.1,
                'loss': 2.0,
                'student.loss_kd': 1.0,
                'epoch': 1,
                'iter': 5,
                'step': 5
            },
            {
                'accuracy/top1': 30.0,
                'teacher.accuracy/top1': 90.0,
                'slt_fused.accuracy/top1': 40.0,
                'step': 1
            },
            {
                'lr': 0.1,
                'loss': 1.0,
                'student.loss_kd': 0.5,
                'epoch': 2,
                'iter': 10,
                'step': 10
            },
            {
                'accuracy/top1': 50.0,
                'teacher.accuracy/top1': 90.0,
                'slt_fused.accuracy/top1': 60.0,
                'step': 2
            },
        ])
    (work_dir / 'kd_r20_r8_mnist1k.py').write_text('model = dict()\n')
    tool('plot_curves')([str(work_dir), '--out-dir', str(tmp_path / 'out')])
    assert_png(tmp_path / 'out' / 'curves.png')
    data = json.loads((tmp_path / 'out' / 'curves.json').read_text())
    assert data['accuracy']['student'] == dict(epoch=[1, 2], value=[30, 50])
    assert data['accuracy']['slt_fused']['value'] == [40, 60]
    assert data['losses']['student.loss_kd'] == dict(
        iter=[5, 10], value=[1.0, 0.5])
    with pytest.raises(SystemExit, match='not in the log'):
        tool('plot_curves')([str(work_dir), '--losses', 'loss_dkd'])


def test_correlation_difference(tmp_path):
    plain = checkpoint(PLAIN, tmp_path / 'plain.pth')
    kd = checkpoint(KD, tmp_path / 'kd.pth', seed=1)
    out = tmp_path / 'out'
    # a network against itself: exactly zero
    tool('correlation_difference')([
        PLAIN, plain, '--teacher', PLAIN, plain, '--labels', 'self',
        '--max-samples',
        str(SAMPLES), '--out-dir',
        str(out)
    ])
    result = json.loads((out / 'correlation_difference.json').read_text())
    assert result['mean_abs_difference'] == {'self': 0.0}
    assert result['num_images'] == SAMPLES

    # a KD student against the teacher inside its checkpoint, by hand
    tool('correlation_difference')([
        KD, kd, PLAIN, plain, '--labels', 'kd', 'plain', '--max-samples',
        str(SAMPLES), '--out-dir',
        str(out)
    ])
    assert_png(out / 'correlation_difference.png')
    result = json.loads((out / 'correlation_difference.json').read_text())
    outputs = collect_outputs(
        load_model(KD, kd), build_test_dataloader(KD, max_samples=SAMPLES),
        ['student', 'teacher'])
    student, teacher = outputs['logits']['student'], outputs['logits'][
        'teacher']
    labels = outputs['labels']
    diffs = []
    for row in range(10):
        for col in range(10):
            if row != col and (labels == row).any():
                mask = labels == row
                diffs.append(
                    abs(student[mask, col].mean() - teacher[mask, col].mean()))
    assert result['mean_abs_difference']['kd'] == pytest.approx(
        np.mean(diffs), rel=1e-5)
    assert result['mean_abs_difference']['plain'] > 0


def test_tsne_features(tmp_path):
    plain = checkpoint(PLAIN, tmp_path / 'plain.pth')
    kd = checkpoint(KD, tmp_path / 'kd.pth', seed=1)
    out = tmp_path / 'out'
    tool('tsne_features')([
        PLAIN, plain, KD, kd, '--labels', 'alone', 'kd', '--max-samples',
        str(SAMPLES), '--out-dir',
        str(out)
    ])
    assert_png(out / 'tsne.png')
    with open(out / 'tsne.csv') as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * SAMPLES
    assert {r['label'] for r in rows} == {'alone', 'kd'}
    scores = json.loads((out / 'tsne_silhouette.json').read_text())
    assert set(scores) == {'alone', 'kd'}
    assert all(-1 <= s <= 1 for s in scores.values())


def test_teacher_weight_report(tmp_path):
    amtml = checkpoint(AMTML, tmp_path / 'amtml.pth')
    out = tmp_path / 'out'
    tool('teacher_weight_report')([
        AMTML, amtml, '--max-samples',
        str(SAMPLES), '--num-examples', '6', '--out-dir',
        str(out)
    ])
    assert_png(out / 'teacher_weights.png')
    assert_png(out / 'teacher_weight_examples.png')
    with open(out / 'teacher_weights.csv') as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == SAMPLES
    names = ['resnet20', 'vgg8', 'wrn_16_2']
    weights = np.array([[float(r[n]) for n in names] for r in rows])
    np.testing.assert_allclose(weights.sum(1), 1.0, atol=1e-5)
    summary = json.loads((out / 'teacher_weights.json').read_text())
    for k, name in enumerate(names):
        assert summary['teachers'][name]['mean'] == pytest.approx(
            weights[:, k].mean(), abs=1e-6)
    skewed = summary['most_skewed']
    assert len(skewed) == 6
    assert weights[skewed[0]].max() == pytest.approx(weights.max(), abs=1e-6)

    # a single-teacher KD checkpoint has no per-instance weights
    kd = checkpoint(KD, tmp_path / 'kd.pth')
    with pytest.raises(TypeError, match='MultiTeacherDistill'):
        tool('teacher_weight_report')([KD, kd, '--out-dir', str(out)])


def test_results_table_tool(tmp_path):
    from test_analysis.test_results_table import fake_run  # noqa
    fake_run(
        str(tmp_path), 'a', 'slkd_vgg13_vgg8_cifar100', [70.0, 75.5], 74.0)
    out = tmp_path / 'tables' / 'results.md'
    tool('results_table')([str(tmp_path), '--out', str(out)])
    text = out.read_text()
    assert '| vgg13 74.00 (74.64) | vgg8 – (70.36) | 75.50 (75.01) |' in text
    data = json.loads(out.with_suffix('.json').read_text())
    assert data['runs'][0]['method'] == 'SLKD'
    with pytest.raises(SystemExit, match='No run at or below'):
        tool('results_table')([str(tmp_path / 'tables')])

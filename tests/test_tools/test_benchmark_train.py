# Copyright (c) mmslkd contributors. All rights reserved.
"""tools/analysis_tools/benchmark_train.py runs both modes and reports
ratios (its timings are measurements, not test assertions)."""
import json
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_benchmark_reports_ratios(tmp_path):
    out = tmp_path / 'cost.json'
    result = subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'analysis_tools', 'benchmark_train.py'),
        'configs/embedded/kd_r20_r8tiny_mnist1k.py',
        'configs/embedded/slkd_r20_r8tiny_mnist1k.py', '--mode', 'both',
        '--batch-size', '4', '--iters', '1', '--warmup', '1', '--out',
        str(out)
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            check=True)
    assert '| `slkd_r20_r8tiny_mnist1k.py` |' in result.stdout
    assert 'Where the step time goes' in result.stdout
    report = json.loads(out.read_text())
    kd, slkd = report['summary']
    assert kd['step']['time_vs_first'] == kd['step']['flops_vs_first'] == 1
    # two teacher-sized SL-Ts trained beside a tiny student: the step does
    # several times the arithmetic of KD (teacher forward + student)
    assert 4 < slkd['step']['flops_vs_first'] < 10
    assert slkd['step'][
        'trainable_params'] > 2 * kd['step']['trainable_params']
    for row in (kd, slkd):
        assert row['step']['ratio'] > 0 and row['e2e']['ratio'] > 0
        assert row['step']['phases_ms']['ours']['backward'] > 0
    # the reference does the same arithmetic as ours (up to the SL-T
    # fusion, a matrix product in ours and elementwise in the reference)
    for run in report['rounds'][0]:
        step = run['step']
        assert step['ours']['flops_per_iter'] == pytest.approx(
            step['reference']['flops_per_iter'], rel=1e-6)

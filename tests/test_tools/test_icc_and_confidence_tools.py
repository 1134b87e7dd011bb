# Copyright (c) mmslkd contributors. All rights reserved.
"""The numbers of confidence_report.py and icc_batch_noise.py on inputs whose
answers are known (the tools' end-to-end runs need real data and trained
checkpoints; their commands are in docs)."""
import importlib.util
import math
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def tool(name):
    path = osp.join(REPO, 'tools', 'analysis_tools', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'tool_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_confidence_numbers():
    confidence = tool('confidence_report').confidence
    # one confident correct row, one uniform (wrong: argmax is class 0)
    logits = torch.tensor([[10.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    labels = torch.tensor([0, 1])
    out = confidence(logits, labels, tau=4.0)
    assert out['top1'] == pytest.approx(50.0)
    p = math.exp(10) / (math.exp(10) + 3)
    assert out['mean_top_prob_T1'] == pytest.approx((p + 0.25) / 2)
    h = -(p * math.log(p) + 3 * (1 - p) / 3 * math.log((1 - p) / 3))
    assert out['mean_entropy_T1'] == pytest.approx((h + math.log(4)) / 2)
    assert out['mean_top_prob_T4'] < out['mean_top_prob_T1']
    assert out['mean_entropy_T4'] > out['mean_entropy_T1']


def test_icc_noise_rank_is_at_most_batch_minus_one():
    noise = tool('icc_batch_noise').noise
    torch.manual_seed(0)
    logits = torch.randn(640, 100, dtype=torch.float64) * 3
    out = noise(logits, [32, 128], seed=0)
    assert out['B32']['rank_max'] == 31  # B - 1 < C
    assert out['B128']['rank_max'] == 99  # C - 1 (rows sum to 1)
    # averaging over batches brings the estimate closer to the full one
    for size in ('B32', 'B128'):
        assert out[size]['rel_error_ema0.9'] < out[size]['rel_error_batch']
    assert out['B128']['rel_error_batch'] < out['B32']['rel_error_batch']

# Copyright (c) mmslkd contributors. All rights reserved.
"""The AvgMKD triplet loss and the temperature CE of the official AMTML-KD
code, against their formulas."""
import pytest
import torch
import torch.nn.functional as F

from mmslkd.models.losses import (TeacherOrderedTripletLoss,
                                  TemperatureCrossEntropyLoss,
                                  sample_triplets, teacher_ordered_triplet)


def fixed_triplets(monkeypatch, triplets):
    monkeypatch.setattr(teacher_ordered_triplet, 'sample_triplets',
                        lambda size, device=None: triplets)


def test_sample_triplets_are_distinct_indices():
    torch.manual_seed(0)
    idx = sample_triplets(5)
    assert idx.shape == (5, 3)
    assert all(len(set(row)) == 3 for row in idx.tolist())
    assert idx.min() >= 0 and idx.max() < 5
    with pytest.raises(ValueError, match='at least 3'):
        sample_triplets(2)


def test_triplet_order_and_reorder_options(monkeypatch):
    # teacher: sample 1 is near sample 0, sample 2 far
    t = torch.tensor([[0.0], [1.0], [5.0], [5.1]])
    s = torch.tensor([[0.0, 0.0], [3.0, 0.0], [1.0, 0.0], [0.0, 2.0]],
                     requires_grad=True)
    # (0, 1, 2): kept; (0, 2, 1): the teacher says swap
    fixed_triplets(monkeypatch, torch.tensor([[0, 1, 2], [0, 2, 1]]))

    def term(a, p, n, margin=0.5):
        return max((s[a] - s[p] + 1e-6).norm().item() -
                   (s[a] - s[n] + 1e-6).norm().item() + margin, 0.0)

    coded = TeacherOrderedTripletLoss(margin=0.5)(s, t)
    # as coded the swapped triplet collapses to (0, 1, 1): exactly margin
    assert coded.item() == pytest.approx(
        (term(0, 1, 2) + term(0, 1, 1)) / 2, abs=1e-6)
    assert term(0, 1, 1) == pytest.approx(0.5, abs=1e-6)
    exchanged = TeacherOrderedTripletLoss(
        margin=0.5, reorder='exchange')(s, t)
    assert exchanged.item() == pytest.approx(
        (term(0, 1, 2) + term(0, 1, 2)) / 2, abs=1e-6)
    coded.backward()
    assert s.grad.abs().sum() > 0


def test_triplet_distance_along_last_axis_or_whole_map(monkeypatch):
    gen = torch.Generator().manual_seed(0)
    s = torch.randn(3, 2, 4, 5, generator=gen)
    t = torch.randn(3, 2, 4, 5, generator=gen)
    fixed_triplets(monkeypatch, torch.tensor([[0, 1, 2]]))
    d1 = (t[0] - t[1]).pow(2).sum()
    d2 = (t[0] - t[2]).pow(2).sum()
    pos, neg = (2, 2) if d1 > d2 else (1, 2)
    rows = ((s[0] - s[pos] + 1e-6).norm(dim=-1) -
            (s[0] - s[neg] + 1e-6).norm(dim=-1) + 0.2).clamp_min(0)
    loss = TeacherOrderedTripletLoss()(s, t)
    assert loss.item() == pytest.approx(rows.mean().item(), abs=1e-6)
    whole = ((s[0] - s[pos] + 1e-6).flatten().norm() -
             (s[0] - s[neg] + 1e-6).flatten().norm() + 0.2).clamp_min(0)
    loss = TeacherOrderedTripletLoss(distance_over='map')(s, t)
    assert loss.item() == pytest.approx(whole.item(), abs=1e-6)


@pytest.mark.parametrize('kwargs,message', [
    (dict(reorder='swap'), 'reorder must be'),
    (dict(distance_over='rows'), 'distance_over must be'),
    (dict(margin=-1.0), 'margin must be'),
])
def test_triplet_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TeacherOrderedTripletLoss(**kwargs)


def test_temperature_cross_entropy():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 10, generator=gen) * 3
    labels = torch.randint(0, 10, (6, ), generator=gen)
    loss = TemperatureCrossEntropyLoss(tau=5.0, loss_weight=0.3)(logits,
                                                                 labels)
    # the notebook: F.cross_entropy(F.log_softmax(z / T), y)
    expected = 0.3 * F.cross_entropy(F.log_softmax(logits / 5.0, 1), labels)
    torch.testing.assert_close(loss, expected)
    with pytest.raises(ValueError, match='tau must be > 0'):
        TemperatureCrossEntropyLoss(tau=0.0)

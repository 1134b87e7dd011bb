# Copyright (c) mmslkd contributors. All rights reserved.
"""The tolerant-teacher loss against a float64 hand computation."""
import pytest
import torch
import torch.nn.functional as F

from mmslkd.models.losses import TolerantCrossEntropyLoss, top_k_gap


def gap_reference(scores, k):
    rows = []
    for row in scores.double().tolist():
        top = sorted(row, reverse=True)[:k]
        rows.append(top[0] - sum(top[1:]) / (k - 1))
    return torch.tensor(rows, dtype=torch.float64)


def test_top_k_gap():
    scores = torch.tensor([[1.0, 5.0, 3.0, 2.0], [0.0, 0.0, 4.0, -2.0]])
    # (5 - (3 + 2) / 2), (4 - (0 + 0) / 2)
    assert top_k_gap(scores, 3).tolist() == [2.5, 4.0]
    torch.manual_seed(0)
    scores = torch.randn(16, 100)
    assert torch.allclose(
        top_k_gap(scores, 5).double(), gap_reference(scores, 5), atol=1e-6)
    assert (top_k_gap(scores, 5) >= 0).all()


@pytest.mark.parametrize('score', ['logits', 'probs'])
def test_loss_equals_ce_plus_eta_gap(score):
    torch.manual_seed(1)
    logits = torch.randn(32, 10) * 3
    labels = torch.randint(0, 10, (32, ))
    loss = TolerantCrossEntropyLoss(eta=0.6, topk=5, score=score)
    scores = logits if score == 'logits' else F.softmax(logits.double(), 1)
    expected = F.cross_entropy(logits.double(), labels) + \
        0.6 * gap_reference(scores, 5).mean()
    assert loss(logits, labels).item() == pytest.approx(
        expected.item(), rel=1e-5)
    # loss_weight scales both terms; per-sample output without reduction
    weighted = TolerantCrossEntropyLoss(eta=0.6, score=score, loss_weight=2)
    assert weighted(logits, labels).item() == pytest.approx(
        2 * expected.item(), rel=1e-5)
    per_sample = loss(logits, labels, reduction_override='none')
    assert per_sample.shape == (32, )
    assert per_sample.mean().item() == pytest.approx(expected.item(), rel=1e-5)


def test_gap_term_lowers_the_top_logit():
    logits = torch.tensor([[6.0, 1.0, 0.5, 0.0]], requires_grad=True)
    label = torch.tensor([0])
    plain = torch.autograd.grad(
        TolerantCrossEntropyLoss(eta=0.0, topk=3, score='logits')(logits,
                                                                  label),
        logits)[0]
    tolerant = torch.autograd.grad(
        TolerantCrossEntropyLoss(eta=1.0, topk=3, score='logits')(logits,
                                                                  label),
        logits)[0]
    # the extra gradient pushes the top logit down, the next K-1 up
    extra = tolerant - plain
    assert extra[0, 0] == pytest.approx(1.0)
    assert extra[0, 1:3].tolist() == pytest.approx([-0.5, -0.5])
    assert extra[0, 3] == 0


def test_bad_options():
    with pytest.raises(ValueError, match='topk'):
        TolerantCrossEntropyLoss(topk=1)
    with pytest.raises(ValueError, match='score'):
        TolerantCrossEntropyLoss(score='softmax')
    with pytest.raises(ValueError, match='use_sigmoid'):
        TolerantCrossEntropyLoss(use_sigmoid=True)
    with pytest.raises(ValueError, match='exceeds'):
        TolerantCrossEntropyLoss(topk=5)(torch.randn(2, 3),
                                         torch.tensor([0, 1]))


def settle(eta, score, topk=5, steps=300):
    """Top probability after gradient descent on free logits of one sample
    (label 3 of 10 classes): where the loss leaves the confidence."""
    torch.manual_seed(0)
    logits = torch.randn(1, 10).requires_grad_()
    label = torch.tensor([3])
    loss = TolerantCrossEntropyLoss(eta=eta, topk=topk, score=score)
    optimizer = torch.optim.Adam([logits], lr=0.1)
    for _ in range(steps):
        optimizer.zero_grad()
        loss(logits, label).backward()
        optimizer.step()
    probs = F.softmax(logits.detach(), 1)[0]
    return probs[3].item(), probs.sort(descending=True).values


@pytest.mark.parametrize('eta', [0.3, 0.6])
def test_logits_gap_pins_the_top_probability_at_one_minus_eta(eta):
    """d/dz_y [CE + eta * gap] = (p_y - 1) + eta = 0: p_top = 1 - eta
    whatever the data, the next K-1 classes at eta/(K-1)."""
    p_top, probs = settle(eta, 'logits')
    assert p_top == pytest.approx(1 - eta, abs=1e-3)
    assert probs[1:5].tolist() == pytest.approx([eta / 4] * 4, abs=1e-3)


def test_probs_gap_is_a_mild_penalty_below_the_cap():
    """On probabilities: no cap for eta < (K-1)/K (confidence still grows,
    only slower than plain CE), a cap at (K-1)/(eta K) above."""
    plain_early, _ = settle(0.0, 'probs', steps=30)
    mild_early, _ = settle(0.6, 'probs', steps=30)
    assert mild_early < plain_early
    mild, _ = settle(0.6, 'probs')
    assert mild > 0.98  # no fixed point below 1 (still growing)
    for eta in (1.0, 1.5):
        capped, _ = settle(eta, 'probs', steps=500)
        assert capped == pytest.approx(4 / (eta * 5), abs=2e-3)


def test_default_score_is_probs():
    assert TolerantCrossEntropyLoss().score == 'probs'

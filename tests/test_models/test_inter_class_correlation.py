# Copyright (c) mmslkd contributors. All rights reserved.
"""The ICC matrix, the student's ICC mimic loss and the teacher's ICC
regularisers, against float64 computations written from the spec's
formulas (multi_teacher_methods.md B.2)."""
import numpy as np
import pytest
import torch

from mmslkd.models.losses import (FeatureGroundedICCRegularizer,
                                  InterClassCorrelationLoss,
                                  SpreadICCRegularizer,
                                  inter_class_correlation)


def icc_reference(logits, tau=4.0, eps=1e-8):
    """R_ij = cov_ij / sqrt((var_i + eps)(var_j + eps)), entry by entry."""
    z = np.asarray(logits, dtype=np.float64) / tau
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    b, c = p.shape
    mean = p.mean(0)
    r = np.empty((c, c))
    for i in range(c):
        for j in range(c):
            cov = ((p[:, i] - mean[i]) * (p[:, j] - mean[j])).sum() / (b - 1)
            var_i = ((p[:, i] - mean[i])**2).sum() / (b - 1)
            var_j = ((p[:, j] - mean[j])**2).sum() / (b - 1)
            r[i, j] = cov / np.sqrt((var_i + eps) * (var_j + eps))
    return r


def pearson_reference(x, y):
    x = np.asarray(x, np.float64) - np.mean(x)
    y = np.asarray(y, np.float64) - np.mean(y)
    return (x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum())


def test_icc_matches_float64_reference():
    torch.manual_seed(0)
    logits = torch.randn(32, 12) * 3
    icc = inter_class_correlation(logits, tau=4)
    assert icc.dtype == torch.float32
    np.testing.assert_allclose(
        icc.numpy(), icc_reference(logits.numpy()), atol=2e-5)
    # float64 in, float64 out; without the guard it is numpy's Pearson
    exact = inter_class_correlation(logits.double(), tau=4, eps=0.0)
    probs = torch.softmax(logits.double() / 4, 1).numpy()
    np.testing.assert_allclose(
        exact.numpy(), np.corrcoef(probs.T), rtol=0, atol=1e-12)


def test_icc_is_symmetric_with_unit_diagonal():
    torch.manual_seed(1)
    icc = inter_class_correlation(torch.randn(64, 100) * 2, tau=4)
    assert torch.allclose(icc, icc.t(), atol=1e-6)
    assert torch.allclose(icc.diagonal(), torch.ones(100), atol=1e-3)
    assert icc.abs().max() <= 1 + 1e-5


def test_icc_stays_finite_for_absent_classes():
    torch.manual_seed(2)
    logits = torch.randn(16, 10, requires_grad=True)
    # class 3 never appears and the network is certain of it: its softened
    # probability underflows to exactly 0 on every sample (a constant column)
    dead = torch.zeros(10)
    dead[3] = -1e5
    icc = inter_class_correlation(logits + dead, tau=4)
    assert torch.isfinite(icc).all()
    assert torch.equal(icc[3], torch.zeros(10))
    defined = [i for i in range(10) if i != 3]
    assert torch.allclose(icc.diagonal()[defined], torch.ones(9), atol=1e-3)
    icc.sum().backward()
    assert torch.isfinite(logits.grad).all()
    # half precision is computed in float32, not underflowed to NaN
    assert torch.isfinite(
        inter_class_correlation(logits.detach().half(), tau=4)).all()


def test_icc_needs_two_samples():
    with pytest.raises(ValueError, match='at least 2'):
        inter_class_correlation(torch.randn(1, 5))
    with pytest.raises(ValueError, match=r'\(B, C\)'):
        inter_class_correlation(torch.randn(4, 5, 1))


@pytest.mark.parametrize('variant', ['frobenius', 'row_cosine'])
def test_mimic_loss_equals_hand_computation(variant):
    torch.manual_seed(3)
    student, teacher = torch.randn(24, 8) * 2, torch.randn(24, 8) * 3
    r_s = icc_reference(student.numpy())
    r_t = icc_reference(teacher.numpy())
    if variant == 'frobenius':
        expected = ((r_s - r_t)**2).sum() / 8**2
    else:
        cos = (r_s * r_t).sum(1) / (
            np.linalg.norm(r_s, axis=1) * np.linalg.norm(r_t, axis=1))
        expected = (1 - cos).mean()
    loss = InterClassCorrelationLoss(
        tau=4, variant=variant, loss_weight=10)(student, teacher)
    assert loss.item() == pytest.approx(10 * expected, rel=1e-4, abs=1e-6)


def test_mimic_loss_trains_the_student_only():
    torch.manual_seed(4)
    student = torch.randn(16, 6, requires_grad=True)
    teacher = torch.randn(16, 6, requires_grad=True)
    InterClassCorrelationLoss()(student, teacher).backward()
    assert teacher.grad is None
    assert student.grad.abs().sum() > 0
    # identical ICC matrices: nothing to learn
    same = InterClassCorrelationLoss()(teacher.detach(), teacher.detach())
    assert same.item() == pytest.approx(0, abs=1e-10)


def test_mimic_loss_moving_average_target():
    torch.manual_seed(5)
    loss = InterClassCorrelationLoss(target_momentum=0.9, num_classes=6)
    t1, t2 = torch.randn(16, 6) * 3, torch.randn(16, 6) * 3

    def cov(t):
        p = torch.softmax(t / 4, 1)
        p = p - p.mean(0)
        return p.t() @ p / 15

    loss(torch.randn(16, 6), t1)
    assert torch.allclose(loss.target_covariance, cov(t1), atol=1e-7)
    loss(torch.randn(16, 6), t2)
    expected = 0.9 * cov(t1) + 0.1 * cov(t2)
    assert torch.allclose(loss.target_covariance, expected, atol=1e-7)
    assert 'target_covariance' in loss.state_dict()
    # evaluation reads the average and does not move it
    loss.eval()
    loss(torch.randn(16, 6), torch.randn(16, 6))
    assert torch.allclose(loss.target_covariance, expected, atol=1e-7)


def test_mimic_loss_moving_average_on_both_sides():
    """Averaged student and teacher matrices: the value compares the running
    estimates, the gradient flows through the current batch at full weight,
    and a student equal to the teacher has no loss (no noise floor)."""
    torch.manual_seed(6)

    def cov(z):
        p = torch.softmax(z.double() / 4, 1)
        p = p - p.mean(0)
        return p.t() @ p / (len(z) - 1)

    def corr(c):
        s = (c.diagonal() + 1e-8).sqrt()
        return c / (s[:, None] * s[None, :])

    both = InterClassCorrelationLoss(
        loss_weight=10,
        target_momentum=0.9,
        student_momentum=0.9,
        num_classes=6)
    batches = [(torch.randn(16, 6) * 2, torch.randn(16, 6) * 3)
               for _ in range(3)]
    for s_logits, t_logits in batches[:2]:
        both(s_logits, t_logits)
    s_logits, t_logits = batches[2]
    s_logits = s_logits.double().requires_grad_()
    value = both(s_logits, t_logits.double())
    s_run = 0.81 * cov(batches[0][0]) + 0.09 * cov(batches[1][0]) + \
        0.1 * cov(s_logits.detach())
    t_run = 0.81 * cov(batches[0][1]) + 0.09 * cov(batches[1][1]) + \
        0.1 * cov(t_logits)
    expected = 10 * (corr(s_run) - corr(t_run)).pow(2).sum() / 36
    assert value.item() == pytest.approx(expected.item(), rel=1e-6)
    # gradient: d/dz of L(corr(s_run_value + cov_B(z) - cov_B(z).detach()))
    z = s_logits.detach().clone().requires_grad_()
    surrogate = 10 * (corr(s_run + cov(z) - cov(z).detach()) -
                      corr(t_run)).pow(2).sum() / 36
    (grad_expected, ) = torch.autograd.grad(surrogate, z)
    (grad, ) = torch.autograd.grad(value, s_logits)
    torch.testing.assert_close(grad, grad_expected)
    assert grad.abs().sum() > 0
    assert {'student_covariance', 'target_covariance'} <= set(
        both.state_dict())
    # the same network on both sides: zero, where the batch student against
    # an averaged target is not
    same = InterClassCorrelationLoss(
        target_momentum=0.9, student_momentum=0.9, num_classes=6)
    floor = InterClassCorrelationLoss(target_momentum=0.9, num_classes=6)
    for _ in range(4):
        logits = torch.randn(16, 6) * 3
        assert same(logits, logits).item() == pytest.approx(0, abs=1e-9)
        last = floor(logits, logits)
    assert last.item() > 1e-3


def test_mimic_loss_bad_input():
    with pytest.raises(ValueError, match='variant'):
        InterClassCorrelationLoss(variant='kl')
    with pytest.raises(ValueError, match='num_classes'):
        InterClassCorrelationLoss(target_momentum=0.9)
    with pytest.raises(ValueError, match='same classes'):
        InterClassCorrelationLoss()(torch.randn(8, 10), torch.randn(8, 100))
    with pytest.raises(ValueError, match='built for 10 classes'):
        InterClassCorrelationLoss(
            target_momentum=0.9, num_classes=10)(torch.randn(8, 5),
                                                 torch.randn(8, 5))


def test_spread_regularizer_equals_hand_computation():
    torch.manual_seed(6)
    logits = torch.randn(32, 10, requires_grad=True)
    loss = SpreadICCRegularizer(tau=4, loss_weight=0.1)(logits)
    r = icc_reference(logits.detach().numpy())
    off = r[~np.eye(10, dtype=bool)]
    assert loss.item() == pytest.approx(
        -0.1 * off.var(ddof=1), rel=1e-4, abs=1e-7)
    loss.backward()
    assert logits.grad.abs().sum() > 0


def test_feature_regularizer_centroids_and_loss():
    torch.manual_seed(7)
    reg = FeatureGroundedICCRegularizer(
        num_classes=5, in_channels=3, momentum=0.9, loss_weight=0.5)
    feats1 = torch.randn(8, 3)
    labels1 = torch.tensor([0, 0, 1, 1, 1, 2, 2, 2])
    logits = torch.randn(8, 5, requires_grad=True)
    feats = feats1.clone().requires_grad_()
    loss = reg(logits, feats, labels1)
    # first batch: the class means; classes 3 and 4 not seen
    for c in range(3):
        assert torch.allclose(reg.centroids[c], feats1[labels1 == c].mean(0))
    assert reg.centroid_seen.tolist() == [True, True, True, False, False]
    assert torch.equal(reg.centroids[3:], torch.zeros(2, 3))

    # the loss: 1 - Pearson over the 3 pairs of seen classes
    r = icc_reference(logits.detach().numpy())
    mu = reg.centroids[:3].numpy().astype(np.float64)  # the seen ones
    unit = mu / np.linalg.norm(mu, axis=1, keepdims=True)
    s = unit @ unit.T
    pairs = [(0, 1), (0, 2), (1, 2)]
    expected = 1 - pearson_reference([r[i, j] for i, j in pairs],
                                     [s[i, j] for i, j in pairs])
    assert loss.item() == pytest.approx(0.5 * expected, rel=1e-4)
    # gradient reaches the logits; centroids are detached from the features
    loss.backward()
    assert logits.grad.abs().sum() > 0
    assert feats.grad is None

    # second batch: EMA for seen classes, initialisation for new ones
    old = reg.centroids.clone()
    feats2 = torch.randn(4, 3)
    labels2 = torch.tensor([0, 0, 3, 3])
    reg(torch.randn(4, 5), feats2, labels2)
    assert torch.allclose(reg.centroids[0],
                          0.9 * old[0] + 0.1 * feats2[:2].mean(0))
    assert torch.allclose(reg.centroids[3], feats2[2:].mean(0))
    assert torch.equal(reg.centroids[1:3], old[1:3])

    # neither evaluation nor a frozen (no_grad) teacher moves the centroids
    frozen = reg.centroids.clone()
    with torch.no_grad():
        reg(torch.randn(4, 5), torch.randn(4, 3), labels2)
    assert torch.equal(reg.centroids, frozen)
    reg.eval()
    reg(torch.randn(4, 5), torch.randn(4, 3), labels2)
    assert torch.equal(reg.centroids, frozen)


def test_feature_regularizer_is_zero_before_two_pairs():
    reg = FeatureGroundedICCRegularizer(num_classes=4, in_channels=2)
    logits = torch.randn(4, 4, requires_grad=True)
    loss = reg(logits, torch.randn(4, 2), torch.tensor([1, 1, 2, 2]))
    assert loss.item() == 0  # one pair of seen classes: no correlation
    loss.backward()  # still part of the graph
    assert torch.equal(logits.grad, torch.zeros(4, 4))

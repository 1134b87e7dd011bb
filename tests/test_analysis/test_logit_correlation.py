# Copyright (c) mmslkd contributors. All rights reserved.
import numpy as np
import pytest

from mmslkd.analysis import (class_mean_logits, correlation_difference,
                             logit_correlation, mean_abs_difference)


def test_class_mean_logits_by_hand():
    logits = np.array([[1., 2., 3.], [3., 2., 1.], [0., 6., 0.], [9., 9., 9.]])
    labels = np.array([0, 0, 1, 2])
    expected = np.array([[2., 2., 2.], [0., 6., 0.], [9., 9., 9.]])
    np.testing.assert_allclose(class_mean_logits(logits, labels), expected)
    # a class without samples is NaN, and ignored by the mean difference
    sparse = class_mean_logits(logits[:3], labels[:3])
    assert np.isnan(sparse[2]).all()


def test_difference_of_identical_logits_is_zero():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(50, 5))
    labels = np.arange(50) % 5
    for mode in ('class_mean', 'pearson'):
        diff = correlation_difference(logits, logits.copy(), labels, mode)
        assert diff.shape == (5, 5)
        assert mean_abs_difference(diff) == 0.0


def test_difference_by_hand():
    teacher = np.array([[4., 0.], [0., 4.], [2., 2.], [0., 6.]])
    student = np.array([[3., 1.], [0., 2.], [2., 2.], [0., 4.]])
    labels = np.array([0, 1, 0, 1])
    # class 0: teacher mean (3, 1), student (2.5, 1.5); class 1: teacher
    # (0, 5), student (0, 3); off-diagonal |diff| = 0.5 and 0
    diff = correlation_difference(student, teacher, labels)
    np.testing.assert_allclose(diff, [[0., 0.5], [0., 0.]])
    assert mean_abs_difference(diff) == pytest.approx(0.25)


def test_pearson_mode_matches_numpy():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(40, 4))
    np.testing.assert_allclose(
        logit_correlation(logits, mode='pearson'),
        np.corrcoef(logits.T),
        atol=1e-12)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match='same classes over the same'):
        correlation_difference(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match='needs the labels'):
        logit_correlation(np.zeros((4, 3)))
    with pytest.raises(ValueError, match='mode must be one of'):
        logit_correlation(np.zeros((4, 3)), mode='spearman')

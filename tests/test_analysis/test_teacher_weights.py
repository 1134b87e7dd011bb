# Copyright (c) mmslkd contributors. All rights reserved.
import math

import numpy as np
import pytest

from mmslkd.analysis import most_skewed, summarize_teacher_weights


def test_summary_by_hand():
    weights = np.array([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    summary = summarize_teacher_weights(weights, ['a', 'b'])
    a = summary['teachers']['a']
    assert a['mean'] == pytest.approx(0.55)
    assert a['min'] == 0.2 and a['max'] == 0.9
    assert a['median'] == pytest.approx(0.55)
    # argmax picks 'a' on the tie of row 0, and on rows 1 and 3
    assert a['top_share'] == 0.75
    assert summary['teachers']['b']['top_share'] == 0.25
    rows = [[0.5, 0.5], [0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]
    entropy = np.mean([-sum(w * math.log(w) for w in r) for r in rows])
    assert summary['mean_entropy'] == pytest.approx(entropy)
    assert summary['max_entropy'] == pytest.approx(math.log(2))


def test_uniform_weights_have_maximal_entropy_and_one_hot_zero():
    uniform = summarize_teacher_weights(np.full((5, 3), 1 / 3), list('abc'))
    assert uniform['mean_entropy'] == pytest.approx(math.log(3))
    one_hot = summarize_teacher_weights(np.eye(3), list('abc'))
    assert one_hot['mean_entropy'] == 0.0


def test_most_skewed_orders_by_largest_weight():
    weights = np.array([[0.4, 0.6], [0.99, 0.01], [0.5, 0.5], [0.1, 0.9]])
    assert most_skewed(weights, 3).tolist() == [1, 3, 0]

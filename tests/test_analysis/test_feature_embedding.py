# Copyright (c) mmslkd contributors. All rights reserved.
import numpy as np
import pytest

from mmslkd.analysis import class_separability, tsne_embedding


def _clusters(seed=0, spread=0.05):
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 8) * 10
    labels = np.repeat(np.arange(3), 20)
    return centres[labels] + rng.normal(scale=spread, size=(60, 8)), labels


def test_tsne_is_deterministic_and_keeps_clusters_apart():
    features, labels = _clusters()
    first = tsne_embedding(features, seed=0)
    np.testing.assert_allclose(first, tsne_embedding(features, seed=0))
    assert first.shape == (60, 2)
    # every point is closer to its own cluster's centre than to the others'
    centres = np.stack([first[labels == c].mean(0) for c in range(3)])
    nearest = np.argmin(((first[:, None] - centres[None])**2).sum(-1), axis=1)
    assert (nearest == labels).all()


def test_tsne_lowers_perplexity_for_few_samples_and_rejects_too_few():
    assert tsne_embedding(np.random.rand(6, 3)).shape == (6, 2)
    with pytest.raises(ValueError, match='N >= 4'):
        tsne_embedding(np.random.rand(3, 3))


def test_separability_orders_clean_and_shuffled_classes():
    features, labels = _clusters()
    assert class_separability(features, labels) > 0.95
    shuffled = np.random.default_rng(0).permutation(labels)
    assert abs(class_separability(features, shuffled)) < 0.2

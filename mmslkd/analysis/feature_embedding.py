# Copyright (c) mmslkd contributors. All rights reserved.
"""2-D t-SNE embedding of a network's penultimate features (SLKD paper,
Fig. 5), with a number that says how separable the classes are."""
from typing import Optional

import numpy as np

__all__ = ['tsne_embedding', 'class_separability']


def tsne_embedding(features: np.ndarray,
                   seed: int = 0,
                   perplexity: float = 30.0) -> np.ndarray:
    """scikit-learn's t-SNE of features, deterministic for a seed.

    Args:
        features (ndarray): (N, D) features, N >= 4.
        seed (int): Random state. Defaults to 0.
        perplexity (float): t-SNE perplexity, lowered to ``(N - 1) / 3``
            when N is too small for it. Defaults to 30.

    Returns:
        ndarray: (N, 2) embedding.
    """
    from sklearn.manifold import TSNE
    features = np.asarray(features, dtype=np.float32)
    if features.ndim != 2 or features.shape[0] < 4:
        raise ValueError('t-SNE needs a (N, D) feature array with N >= 4, '
                         f'got shape {features.shape}.')
    perplexity = min(perplexity, (features.shape[0] - 1) / 3)
    return TSNE(
        n_components=2, perplexity=perplexity, init='pca',
        random_state=seed).fit_transform(features)


def class_separability(features: np.ndarray,
                       labels: np.ndarray,
                       max_samples: Optional[int] = 5000) -> float:
    """Mean silhouette coefficient of the classes in feature space
    (cosine distance): 1 for tight, far-apart classes, about 0 for
    overlapping ones.

    Args:
        features (ndarray): (N, D) features.
        labels (ndarray): (N,) labels, at least 2 classes.
        max_samples (int, optional): Subsample (fixed seed) beyond this.

    Returns:
        float: The silhouette score.
    """
    from sklearn.metrics import silhouette_score
    if len(np.unique(labels)) < 2:
        raise ValueError('The silhouette score needs samples of at least 2 '
                         'classes; use more samples.')
    return float(
        silhouette_score(
            np.asarray(features, dtype=np.float64),
            np.asarray(labels),
            metric='cosine',
            sample_size=max_samples
            if max_samples and len(labels) > max_samples else None,
            random_state=0))

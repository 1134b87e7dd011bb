# Copyright (c) mmslkd contributors. All rights reserved.
"""How close a student's logits came to its teacher's: the difference of
their class-by-class logit matrices (SLKD paper, Fig. 6).

The figure follows CRD's visualisation, which DKD's code (mdistiller,
``tools/visualizations/correlation.ipynb``) reproduces: the "correlation
matrix" of a network is the (C, C) matrix whose row ``l`` is its mean logit
vector over the test images of class ``l``; the figure shows
``|M_student - M_teacher|`` with the diagonal set to zero, coloured on a
fixed scale (``max_diff``, 3.0 in mdistiller) so methods compare side by
side. ``mode='pearson'`` uses instead the Pearson correlation between the
classes' logits over all images.
"""
from typing import Optional

import numpy as np

__all__ = [
    'class_mean_logits', 'logit_correlation', 'correlation_difference',
    'mean_abs_difference'
]

MODES = ('class_mean', 'pearson')


def class_mean_logits(logits: np.ndarray,
                      labels: np.ndarray,
                      num_classes: Optional[int] = None) -> np.ndarray:
    """Mean logit vector per ground-truth class.

    Args:
        logits (ndarray): (N, C) logits.
        labels (ndarray): (N,) class indices.
        num_classes (int, optional): C; defaults to ``logits.shape[1]``.

    Returns:
        ndarray: (C, C); row ``l`` is the mean of the logits of the samples
        of class ``l`` (NaN for a class without samples).
    """
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    num_classes = num_classes or logits.shape[1]
    sums = np.zeros((num_classes, logits.shape[1]))
    np.add.at(sums, labels, logits)
    counts = np.bincount(labels, minlength=num_classes)[:, None]
    with np.errstate(invalid='ignore', divide='ignore'):
        return sums / counts


def logit_correlation(logits: np.ndarray,
                      labels: Optional[np.ndarray] = None,
                      mode: str = 'class_mean') -> np.ndarray:
    """The (C, C) logit matrix of a network over a dataset.

    Args:
        logits (ndarray): (N, C) logits.
        labels (ndarray, optional): (N,) labels; needed by ``class_mean``.
        mode (str): ``'class_mean'`` (default, CRD/DKD) or ``'pearson'``.

    Returns:
        ndarray: (C, C).
    """
    if mode == 'class_mean':
        if labels is None:
            raise ValueError("mode='class_mean' needs the labels.")
        return class_mean_logits(logits, labels)
    if mode == 'pearson':
        with np.errstate(invalid='ignore', divide='ignore'):
            return np.corrcoef(np.asarray(logits, np.float64), rowvar=False)
    raise ValueError(f'mode must be one of {MODES}, got {mode!r}.')


def correlation_difference(student_logits: np.ndarray,
                           teacher_logits: np.ndarray,
                           labels: Optional[np.ndarray] = None,
                           mode: str = 'class_mean') -> np.ndarray:
    """``|M_student - M_teacher|`` with a zero diagonal.

    Args:
        student_logits (ndarray): (N, C) student logits.
        teacher_logits (ndarray): (N, C) teacher logits, same samples.
        labels (ndarray, optional): (N,) labels (``class_mean`` mode).
        mode (str): See :func:`logit_correlation`.

    Returns:
        ndarray: (C, C) absolute differences.
    """
    if np.shape(student_logits) != np.shape(teacher_logits):
        raise ValueError(
            f'Student logits {np.shape(student_logits)} and teacher logits '
            f'{np.shape(teacher_logits)} differ in shape: compare networks '
            'of the same classes over the same samples.')
    diff = np.abs(
        logit_correlation(student_logits, labels, mode) -
        logit_correlation(teacher_logits, labels, mode))
    np.fill_diagonal(diff, 0.0)
    return diff


def mean_abs_difference(diff: np.ndarray) -> float:
    """Mean of the off-diagonal entries of a difference matrix (classes
    without samples ignored)."""
    off_diagonal = ~np.eye(diff.shape[0], dtype=bool)
    return float(np.nanmean(diff[off_diagonal]))

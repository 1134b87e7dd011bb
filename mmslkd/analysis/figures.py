# Copyright (c) mmslkd contributors. All rights reserved.
"""The PNG figures of the analysis tools (matplotlib, no display needed:
figures are drawn with the Agg canvas, never through pyplot's global
state)."""
from typing import Dict, List, Optional, Sequence

import numpy as np

__all__ = [
    'plot_training_curves', 'plot_correlation_differences', 'plot_embeddings',
    'plot_teacher_weights', 'plot_image_grid'
]


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=100, layout='constrained')


def _save(fig, out_file: str) -> str:
    fig.savefig(out_file, format='png')
    return out_file


def plot_training_curves(accuracy: Dict[str, tuple],
                         losses: Dict[str, tuple],
                         out_file: str,
                         metric: str = 'accuracy/top1',
                         title: Optional[str] = None) -> str:
    """Accuracy of every network over epochs (left) and every loss term
    over iterations (right, log scale).

    Args:
        accuracy (dict): Network -> (epochs, values).
        losses (dict): Term -> (iterations, values).
        out_file (str): PNG path.
        metric (str): Name of the accuracy metric, for the axis.
        title (str, optional): Figure title.

    Returns:
        str: ``out_file``.
    """
    fig = _figure(12, 4.5)
    left, right = fig.subplots(1, 2)
    for name, (epochs, values) in accuracy.items():
        style = '--' if name.startswith('teacher') else '-'
        left.plot(epochs, values, style, label=name, linewidth=1.5)
    left.set_xlabel('epoch')
    left.set_ylabel(metric)
    left.grid(alpha=0.3)
    if accuracy:
        left.legend(fontsize=8)
    for name, (iters, values) in losses.items():
        right.plot(iters, values, label=name, linewidth=1)
    right.set_xlabel('iteration')
    right.set_ylabel('loss')
    if losses and min(min(v) for _, v in losses.values()) > 0:
        right.set_yscale('log')
    right.grid(alpha=0.3)
    if losses:
        right.legend(fontsize=7, ncol=2)
    if title:
        fig.suptitle(title)
    return _save(fig, out_file)


def plot_correlation_differences(diffs: Dict[str, np.ndarray],
                                 out_file: str,
                                 vmax: float = 3.0,
                                 means: Optional[Dict[str, float]] = None,
                                 xlabel: str = 'logit of class',
                                 ylabel: str = 'images of class') -> str:
    """Heatmaps of student-teacher logit-matrix differences, side by side on
    one colour scale.

    Args:
        diffs (dict): Label -> (C, C) difference matrix.
        out_file (str): PNG path.
        vmax (float): Top of the colour scale. Defaults to 3.0.
        means (dict, optional): Label -> mean difference, for the titles.
        xlabel (str): Column axis label. Defaults to ``'logit of class'``.
        ylabel (str): Row axis label. Defaults to ``'images of class'``
            (the class-mean matrices of CRD/DKD).

    Returns:
        str: ``out_file``.
    """
    fig = _figure(4.2 * len(diffs) + 0.8, 4.2)
    axes = np.atleast_1d(fig.subplots(1, len(diffs)))
    image = None
    for ax, (label, diff) in zip(axes, diffs.items()):
        image = ax.imshow(diff, vmin=0, vmax=vmax, cmap='PuBuGn')
        mean = '' if not means else f'\nmean |diff| = {means[label]:.3f}'
        ax.set_title(f'{label}{mean}', fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    fig.colorbar(image, ax=list(axes), shrink=0.8)
    return _save(fig, out_file)


def plot_embeddings(embeddings: Dict[str, np.ndarray],
                    labels: np.ndarray,
                    out_file: str,
                    scores: Optional[Dict[str, float]] = None) -> str:
    """2-D embeddings coloured by class, side by side.

    Args:
        embeddings (dict): Label -> (N, 2) points.
        labels (ndarray): (N,) classes.
        out_file (str): PNG path.
        scores (dict, optional): Label -> separability, for the titles.

    Returns:
        str: ``out_file``.
    """
    fig = _figure(4.5 * len(embeddings), 4.5)
    axes = np.atleast_1d(fig.subplots(1, len(embeddings)))
    classes = np.unique(labels)
    cmap = 'tab10' if len(classes) <= 10 else 'nipy_spectral'
    for ax, (label, points) in zip(axes, embeddings.items()):
        ax.scatter(
            points[:, 0], points[:, 1], c=labels, cmap=cmap, s=4, alpha=0.8)
        score = '' if not scores else f'\nsilhouette = {scores[label]:.3f}'
        ax.set_title(f'{label}{score}', fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return _save(fig, out_file)


def plot_teacher_weights(weights: np.ndarray, teachers: Sequence[str],
                         out_file: str) -> str:
    """Histogram of each teacher's per-instance weight.

    Args:
        weights (ndarray): (N, K) weights.
        teachers (Sequence[str]): The K names.
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    fig = _figure(6.5, 4)
    ax = fig.subplots()
    bins = np.linspace(0, 1, 41)
    for k, name in enumerate(teachers):
        ax.hist(
            weights[:, k],
            bins=bins,
            alpha=0.55,
            label=f'{name} (mean {weights[:, k].mean():.3f})')
    ax.axvline(1 / len(teachers), color='k', linestyle=':', label='uniform')
    ax.set_xlabel('per-instance teacher weight')
    ax.set_ylabel('images')
    ax.legend(fontsize=8)
    return _save(fig, out_file)


def plot_image_grid(images: np.ndarray,
                    captions: List[str],
                    out_file: str,
                    columns: int = 4) -> str:
    """Images (uint8, HWC) with a caption each.

    Args:
        images (ndarray): (N, H, W, 3) uint8.
        captions (list[str]): N captions.
        out_file (str): PNG path.
        columns (int): Images per row. Defaults to 4.

    Returns:
        str: ``out_file``.
    """
    rows = max(1, -(-len(images) // columns))
    fig = _figure(2.6 * columns, 2.9 * rows)
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax in axes:
        ax.axis('off')
    for ax, image, caption in zip(axes, images, captions):
        ax.imshow(image, interpolation='nearest')
        ax.set_title(caption, fontsize=7)
    return _save(fig, out_file)

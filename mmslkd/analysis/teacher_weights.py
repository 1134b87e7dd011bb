# Copyright (c) mmslkd contributors. All rights reserved.
"""What a multi-teacher run's weighting rule decided: the per-instance
teacher weights over a dataset, their distribution per teacher, and the
images it weighted most one-sidedly."""
from collections import OrderedDict
from typing import Dict, List

import numpy as np
import torch
from mmengine.model import is_model_wrapper
from torch import nn

from .network_outputs import raw_images_to_rgb

__all__ = [
    'collect_teacher_weights', 'summarize_teacher_weights', 'most_skewed'
]


@torch.no_grad()
def collect_teacher_weights(model: nn.Module, dataloader) -> Dict:
    """Per-instance teacher weights of a :class:`MultiTeacherDistill`.

    Args:
        model (nn.Module): The algorithm, loaded from its checkpoint.
        dataloader (Iterable): Batches as MMEngine dataloaders give them.

    Returns:
        dict: ``teachers`` (names), ``weights`` (N, K), ``labels`` (N,),
        ``images`` (N, H, W, 3) uint8 raw inputs.
    """
    model = model.module if is_model_wrapper(model) else model
    if not hasattr(model, 'predict_teacher_weights'):
        raise TypeError(
            f'{type(model).__name__} has no per-instance teacher weights; '
            'give the config and checkpoint of a MultiTeacherDistill run.')
    model.eval()
    weights, labels, images = [], [], []
    for data in dataloader:
        images += list(data['inputs'])
        batch = model.data_preprocessor(data, False)
        weights.append(model.predict_teacher_weights(batch['inputs']).cpu())
        labels += [int(s.gt_label) for s in batch['data_samples']]
    if not weights:
        raise ValueError('The dataloader gave no batch: the dataset is '
                         'empty.')
    return dict(
        teachers=list(model.teachers.keys()),
        weights=torch.cat(weights).double().numpy(),
        labels=np.asarray(labels),
        images=raw_images_to_rgb(images))


def summarize_teacher_weights(weights: np.ndarray,
                              teachers: List[str]) -> Dict:
    """Distribution of the weights per teacher.

    Args:
        weights (ndarray): (N, K) weights, rows summing to 1.
        teachers (list[str]): The K names.

    Returns:
        dict: Per teacher: ``mean``, ``std``, ``min``, ``median``, ``max``
        and ``top_share`` (fraction of samples where it has the largest
        weight); plus ``mean_entropy`` (nats) and ``max_entropy`` (log K).
    """
    weights = np.asarray(weights, dtype=np.float64)
    top = np.argmax(weights, axis=1)
    summary = OrderedDict()
    for k, name in enumerate(teachers):
        column = weights[:, k]
        summary[name] = dict(
            mean=float(column.mean()),
            std=float(column.std()),
            min=float(column.min()),
            median=float(np.median(column)),
            max=float(column.max()),
            top_share=float(np.mean(top == k)))
    with np.errstate(divide='ignore', invalid='ignore'):
        entropy = -np.nansum(
            np.where(weights > 0, weights * np.log(weights), 0.0), axis=1)
    return dict(
        teachers=summary,
        mean_entropy=float(entropy.mean()),
        max_entropy=float(np.log(len(teachers))))


def most_skewed(weights: np.ndarray, num: int) -> np.ndarray:
    """Indices of the ``num`` samples whose weights are furthest from
    uniform (largest single-teacher weight), most skewed first."""
    weights = np.asarray(weights)
    order = np.argsort(-weights.max(axis=1), kind='stable')
    return order[:num]

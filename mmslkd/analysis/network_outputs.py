# Copyright (c) mmslkd contributors. All rights reserved.
"""Load any of our checkpoints with its config and collect what its networks
output over a dataset (logits, penultimate features, labels, images)."""
import copy
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.model import is_model_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from torch import nn

from mmslkd.registry import DATASETS, MODELS
from mmslkd.utils import drop_teacher_checkpoints, load_checkpoint_strictly

__all__ = [
    'split_runs', 'load_model', 'network_names', 'get_network',
    'build_test_dataloader', 'collect_outputs'
]


def split_runs(values: Sequence[str],
               labels: Optional[Sequence[str]] = None) -> tuple:
    """Pair command-line ``CONFIG CHECKPOINT [CONFIG CHECKPOINT ...]``.

    Args:
        values (Sequence[str]): Configs and checkpoints, alternating.
        labels (Sequence[str], optional): One label per run; defaults to the
            config names.

    Returns:
        tuple[list, list]: ``[(config, checkpoint), ...]`` and the labels.
    """
    if len(values) % 2:
        raise ValueError('Give runs as CONFIG CHECKPOINT pairs, got '
                         f'{len(values)} values.')
    runs = list(zip(values[::2], values[1::2]))
    if labels and len(labels) != len(runs):
        raise ValueError(f'{len(labels)} labels for {len(runs)} runs.')
    return runs, list(
        labels
        or [osp.splitext(osp.basename(config))[0] for config, _ in runs])


def load_model(config: Union[str, Config],
               checkpoint: Optional[str] = None) -> nn.Module:
    """Build a config's model and load a checkpoint of it, strictly.

    Teacher checkpoints named in the config are not read: a checkpoint of a
    distillation run already holds its teachers.

    Args:
        config (str | Config): The run's config.
        checkpoint (str, optional): Its checkpoint (a training checkpoint or
            a bare state dict), read with ``weights_only=True``. None keeps
            the initial weights.

    Returns:
        nn.Module: The model in eval mode.

    Raises:
        CheckpointError: The checkpoint does not fit the model.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else \
        copy.deepcopy(config)
    init_default_scope(cfg.get('default_scope', 'mmslkd'))
    model_cfg = drop_teacher_checkpoints(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        # as MMEngine's Runner does: the top-level one is the default
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    if checkpoint is not None:
        load_checkpoint_strictly(model, checkpoint)
    model.eval()
    return model


def _unwrap(model: nn.Module) -> nn.Module:
    return model.module if is_model_wrapper(model) else model


def network_names(model: nn.Module) -> List[str]:
    """Names :func:`get_network` accepts for this model.

    Args:
        model (nn.Module): A classifier or one of our distillation
            algorithms.

    Returns:
        list[str]: ``['model']`` for a plain classifier; ``student``,
        ``teacher`` / ``teacher.<name>`` and ``slt<i>`` for algorithms.
    """
    model = _unwrap(model)
    if not hasattr(model, 'architecture'):
        return ['model']
    names = ['student']
    if isinstance(getattr(model, 'teacher', None), nn.Module):
        names.append('teacher')
    for name in getattr(model, 'teachers', {}) or {}:
        names.append(f'teacher.{name}')
    slts = getattr(model, 'self_learning_teachers', None)
    if slts is not None:
        names += [f'slt{i}' for i in range(len(slts))]
    return names


def get_network(model: nn.Module, name: str) -> nn.Module:
    """One classifier of a model, by the name its logs use.

    Args:
        model (nn.Module): A classifier or one of our algorithms.
        name (str): One of :func:`network_names`.

    Returns:
        nn.Module: The classifier.
    """
    model = _unwrap(model)
    names = network_names(model)
    if name not in names:
        raise KeyError(f'This {type(model).__name__} has no network {name!r}; '
                       f'it has {names}.')
    if name == 'model':
        return model
    if name == 'student':
        return model.architecture
    if name == 'teacher':
        return model.teacher
    if name.startswith('teacher.'):
        return model.teachers[name[len('teacher.'):]]
    return model.self_learning_teachers[int(name[len('slt'):])]


def build_test_dataloader(config: Union[str, Config],
                          split: str = 'test',
                          batch_size: Optional[int] = None,
                          max_samples: Optional[int] = None,
                          seed: int = 0):
    """The config's ``test_dataloader`` (or ``val_dataloader``), built.

    Args:
        config (str | Config): The config.
        split (str): ``'test'`` or ``'val'``. Defaults to ``'test'``.
        batch_size (int, optional): Override the batch size.
        max_samples (int, optional): Keep a fixed random subset of this size
            (in dataset order; test sets are often sorted by class, so the
            first N images would show few classes).
        seed (int): Seed of the subset. Defaults to 0.

    Returns:
        DataLoader: Unshuffled, on the main process only.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    init_default_scope(cfg.get('default_scope', 'mmslkd'))
    loader_cfg = copy.deepcopy(cfg.get(f'{split}_dataloader'))
    if loader_cfg is None:
        raise KeyError(f'The config has no {split}_dataloader.')
    if batch_size is not None:
        loader_cfg.batch_size = batch_size
    loader_cfg.num_workers = 0
    loader_cfg.persistent_workers = False
    loader_cfg.sampler = dict(type='DefaultSampler', shuffle=False)
    if max_samples is not None:
        dataset = DATASETS.build(loader_cfg.dataset)
        if len(dataset) > max_samples:
            keep = np.random.default_rng(seed).choice(
                len(dataset), max_samples, replace=False)
            dataset = dataset.get_subset(sorted(keep.tolist()))
        loader_cfg.dataset = dataset
    return Runner.build_dataloader(loader_cfg, seed=0)


@torch.no_grad()
def collect_outputs(model: nn.Module,
                    dataloader,
                    networks: Sequence[str] = ('student', ),
                    features: bool = False,
                    images: bool = False) -> Dict:
    """Run networks of a model over a dataset.

    Args:
        model (nn.Module): A classifier or one of our algorithms; its data
            preprocessor prepares the batches.
        dataloader (Iterable): Batches as MMEngine dataloaders give them.
        networks (Sequence[str]): Networks (see :func:`network_names`).
        features (bool): Also collect each network's penultimate features
            (the neck output, the input of the classification layer).
        images (bool): Also collect the raw input images (uint8, HWC).

    Returns:
        dict: ``labels`` (N,) int array; ``logits`` and (if asked)
        ``features``: network -> (N, C) / (N, D) float arrays; ``images``
        (N, H, W, 3) uint8 if asked.
    """
    model = _unwrap(model)
    model.eval()  # (MMRazor's algorithms' train() returns None)
    nets = OrderedDict((n, get_network(model, n)) for n in networks)
    logits = {n: [] for n in nets}
    feats = {n: [] for n in nets}
    labels, raw_images = [], []
    for data in dataloader:
        if images:
            raw_images += list(data['inputs'])
        batch = model.data_preprocessor(data, False)
        inputs = batch['inputs']
        labels.append(
            torch.cat([s.gt_label for s in batch['data_samples']]).cpu())
        for name, net in nets.items():
            if features:
                # an ImageClassifier's logits are head(extract_feat(x));
                # its head's pre_logits are the classifier layer's input
                neck_out = net.extract_feat(inputs)
                feats[name].append(
                    net.head.pre_logits(neck_out).flatten(1).cpu())
                logits[name].append(net.head(neck_out).cpu())
            else:
                logits[name].append(net(inputs, mode='tensor').cpu())
    if not labels:
        raise ValueError('The dataloader gave no batch: the dataset is '
                         'empty.')
    out = dict(
        labels=torch.cat(labels).numpy(),
        logits={
            n: torch.cat(v).float().numpy()
            for n, v in logits.items()
        })
    if features:
        out['features'] = {
            n: torch.cat(v).float().numpy()
            for n, v in feats.items()
        }
    if images:
        out['images'] = raw_images_to_rgb(raw_images)
    return out


def raw_images_to_rgb(images: List[torch.Tensor]) -> np.ndarray:
    """Raw (C, H, W) input images as one (N, H, W, 3) uint8 array (grey
    images repeated to 3 channels), for figures.

    Args:
        images (list[Tensor]): The dataloader's ``inputs``.

    Returns:
        ndarray: (N, H, W, 3) uint8.
    """
    array = np.stack([img.permute(1, 2, 0).cpu().numpy() for img in images])
    if array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    return np.clip(array, 0, 255).astype(np.uint8)

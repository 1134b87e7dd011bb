# Copyright (c) mmslkd contributors. All rights reserved.
import copy
import logging
from typing import Tuple

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils import drop_teacher_checkpoints


def scale_learning_rates(cfg: Config, scale: float) -> Config:
    """A copy of the config with every optimizer's ``lr`` times ``scale``.

    Benchmarks train random-weight teachers' students on random data; at
    the recipes' learning rates that diverges to NaN within tens of
    iterations, and non-finite arithmetic is not what training runs. A
    smaller learning rate changes no operation of the step.

    Args:
        cfg (Config): A training config.
        scale (float): Factor of every learning rate.

    Returns:
        Config: The changed copy.
    """
    cfg = copy.deepcopy(cfg)
    wrapper = cfg.optim_wrapper
    wrappers = [wrapper] if 'optimizer' in wrapper else [
        w for w in wrapper.values() if isinstance(w, dict) and 'optimizer' in w
    ]
    for item in wrappers:
        item['optimizer']['lr'] = item['optimizer']['lr'] * scale
    return cfg


def build_model_and_optimizer(cfg: Config,
                              device: str = 'cpu') -> Tuple[nn.Module, object]:
    """The config's model (initialised, in train mode, on ``device``) and its
    optimizer wrapper, built as the Runner builds them.

    Args:
        cfg (Config): A training config.
        device (str): Where the model lives.

    Returns:
        tuple: The model and its ``OptimWrapper``/``OptimWrapperDict``.
    """
    # random teacher weights cost the same time
    model_cfg = drop_teacher_checkpoints(cfg.model)
    if 'data_preprocessor' in cfg:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'mmslkd')):
        model = MODELS.build(model_cfg).to(device)
        logger = MMLogger.get_current_instance()
        level = logger.level
        logger.setLevel(logging.WARNING)  # no per-parameter init report
        try:
            model.init_weights()
        finally:
            logger.setLevel(level)
        model.train()
        optim_wrapper = build_optim_wrapper(model,
                                            copy.deepcopy(cfg.optim_wrapper))
    return model, optim_wrapper


def random_batch(batch_size: int,
                 num_classes: int,
                 image_size: int = 32,
                 seed: int = 0) -> dict:
    """A batch as the dataloader yields it: raw uint8 (3, H, W) images and
    ``DataSample`` labels.

    Args:
        batch_size (int): Images in the batch.
        num_classes (int): Labels are drawn from ``0..num_classes-1``.
        image_size (int): Side of the images. Defaults to 32.
        seed (int): Seed of the draw. Defaults to 0.

    Returns:
        dict: ``inputs`` and ``data_samples``.
    """
    generator = torch.Generator().manual_seed(seed)
    images = torch.randint(
        0,
        256, (batch_size, 3, image_size, image_size),
        dtype=torch.uint8,
        generator=generator)
    labels = torch.randint(0, num_classes, (batch_size, ), generator=generator)
    return dict(
        inputs=list(images),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])

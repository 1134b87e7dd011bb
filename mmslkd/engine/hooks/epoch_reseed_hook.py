# Copyright (c) mmslkd contributors. All rights reserved.
import random

import numpy as np
import torch
from mmengine.hooks import Hook

from mmslkd.registry import HOOKS


def reseed_all(seed: int) -> None:
    """Seed Python's, NumPy's and torch's (CPU and CUDA) global RNGs.

    Args:
        seed (int): The seed (taken modulo 2**32).
    """
    seed = seed % (2**32)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


@HOOKS.register_module()
class EpochReseedHook(Hook):
    """Make each training epoch's random streams a function of (seed,
    epoch), so that a resumed run continues exactly as the uninterrupted one
    would.

    MMEngine restores weights, optimizer, schedulers, message hub and the
    sampler's epoch on resume, but not the global RNG states that data
    augmentation, dropout and the dataloader's worker seeds draw from (and
    between two checkpoints, validation draws from them too). This hook
    reseeds Python, NumPy and torch at the start of every training epoch
    from the run's seed and the epoch, so nothing after a checkpoint depends
    on the process history before it. It acts in epoch-based loops (all of
    mmslkd's configs), where checkpoints fall on epoch boundaries.

    With ``persistent_workers=True`` dataloader workers keep their own RNG
    state across epochs, which a restarted process cannot reproduce; exact
    resume needs ``num_workers=0`` or non-persistent workers (MMEngine seeds
    fresh workers from the reseeded torch RNG).
    """

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        if not hasattr(runner.train_loop, 'max_epochs'):
            return  # iteration-based loop: checkpoints fall mid-epoch
        seed = 0 if runner.seed is None else int(runner.seed)
        reseed_all(seed * 1_000_003 + runner.epoch)

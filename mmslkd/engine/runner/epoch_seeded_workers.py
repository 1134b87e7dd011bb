# Copyright (c) mmslkd contributors. All rights reserved.
import random
from typing import Callable, Optional

import numpy as np
import torch
from torch.utils.data import get_worker_info


def worker_seed_state(epoch_seed: int, rank: int,
                      worker_id: int) -> np.ndarray:
    """Four 32-bit words of seed for one dataloader worker in one epoch.

    Args:
        epoch_seed (int): The epoch's seed (a function of the run's seed and
            the epoch).
        rank (int): The process's rank.
        worker_id (int): The worker's index in its dataloader.

    Returns:
        np.ndarray: uint32 words, independent streams for every
        (epoch_seed, rank, worker_id).
    """
    sequence = np.random.SeedSequence(
        [int(epoch_seed) % 2**64,
         int(rank), int(worker_id)])
    return sequence.generate_state(4, np.uint32)


def seed_worker(epoch_seed: int, rank: int, worker_id: int) -> None:
    """Seed Python's, NumPy's and torch's RNGs of the calling process as a
    dataloader worker of the given epoch.

    Args:
        epoch_seed (int): The epoch's seed.
        rank (int): The process's rank.
        worker_id (int): The worker's index.
    """
    words = worker_seed_state(epoch_seed, rank, worker_id)
    random.seed(int(words[0]) << 32 | int(words[1]))
    np.random.seed(words)
    torch.manual_seed(int(words[2]) << 32 | int(words[3]))


class _EpochSeededGetItems:
    """A worker's batch fetch that first reseeds the worker whenever the
    epoch seed the main process published has changed."""

    def __init__(self, dataset, getitems: Optional[Callable],
                 epoch_seed: torch.Tensor, rank: int, worker_id: int) -> None:
        self.dataset = dataset
        self.getitems = getitems
        self.epoch_seed = epoch_seed
        self.rank = rank
        self.worker_id = worker_id
        self.seen: Optional[int] = None

    def __call__(self, indices):
        current = int(self.epoch_seed)
        if current != self.seen:
            seed_worker(current, self.rank, self.worker_id)
            self.seen = current
        if self.getitems is not None:
            return self.getitems(indices)
        return [self.dataset[i] for i in indices]


class EpochSeededWorkerInit:
    """A dataloader ``worker_init_fn`` that makes each worker's random
    streams in each epoch a function of (epoch seed, rank, worker id) only,
    for fresh and persistent workers alike.

    A persistent worker lives through all epochs of a process, so its RNG
    state at the start of epoch *e* depends on every batch it made before,
    which a resumed process (whose workers start at epoch *e*) cannot
    reproduce. Here the main process publishes the epoch's seed in a
    shared-memory tensor before each epoch (``set_epoch_seed``); each
    worker reseeds Python, NumPy and torch from it before its first batch
    of an epoch. Within an epoch, the batches a worker makes are fixed too:
    PyTorch hands the batches of a map-style dataset to the workers in
    turn, from worker 0 at each epoch start (``in_order=True``, the
    default). So every augmentation of an epoch depends on (seed, epoch)
    and the batch's place only, and a resumed run makes exactly the batches
    of the uninterrupted one.

    The reseeding hooks into the worker's batch fetch (``__getitems__`` of
    the worker's copy of the dataset, installed by this init function; the
    dataset's own ``__getitems__``, if any, is called after it). It costs
    one read of a shared integer per batch.

    Args:
        init_fn (callable, optional): The loader's previous
            ``worker_init_fn``, called first.
        rank (int): The process's rank. Defaults to 0.
    """

    def __init__(self, init_fn: Optional[Callable] = None, rank: int = 0):
        self.init_fn = init_fn
        self.rank = rank
        self.epoch_seed = torch.zeros((), dtype=torch.int64).share_memory_()

    def set_epoch_seed(self, seed: int) -> None:
        """Publish the seed of the epoch that starts (call it before the
        epoch's first batch is requested).

        Args:
            seed (int): The epoch's seed.
        """
        self.epoch_seed.fill_(int(seed) % 2**63)

    def __call__(self, worker_id: int) -> None:
        if self.init_fn is not None:
            self.init_fn(worker_id)
        dataset = get_worker_info().dataset
        dataset.__getitems__ = _EpochSeededGetItems(
            dataset, getattr(dataset, '__getitems__', None), self.epoch_seed,
            self.rank, worker_id)

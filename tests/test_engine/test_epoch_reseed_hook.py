# Copyright (c) mmslkd contributors. All rights reserved.
"""Dataloader workers seeded per epoch (EpochSeededWorkerInit): a
persistent worker's random stream in epoch e does not depend on the epochs
it lived through, so a resumed process's fresh workers make the same
batches; and the RNG states a checkpoint keeps round-trip through a
weights-only load. (The Runner-level tests, SIGKILL and --resume with
persistent workers and inside an epoch, are in
tests/test_tools/test_crash_resume.py.)"""
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from mmslkd.engine.hooks.epoch_reseed_hook import (get_rng_state, reseed_all,
                                                   set_rng_state)
from mmslkd.engine.runner import EpochSeededWorkerInit


class RandomDraws(Dataset):
    """Each item: one draw from each of Python's, NumPy's and torch's
    global RNGs (as an augmentation pipeline would make them)."""

    def __len__(self):
        return 12

    def __getitem__(self, index):
        return torch.tensor(
            [index,
             random.random(),
             np.random.rand(),
             torch.rand(()).item()])


def epochs(loader, seeding, first, last):
    batches = {}
    for epoch in range(first, last):
        if isinstance(seeding, EpochSeededWorkerInit):
            seeding.set_epoch_seed(1000 + epoch)
        batches[epoch] = torch.cat(list(loader))
    return batches


def loader(seeding, persistent=True):
    return DataLoader(
        RandomDraws(),
        batch_size=2,
        num_workers=2,
        persistent_workers=persistent,
        worker_init_fn=seeding,
        multiprocessing_context='fork')


def test_persistent_workers_restart_each_epoch_from_its_seed():
    seeding = EpochSeededWorkerInit()
    straight = epochs(loader(seeding), seeding, 0, 3)
    # a "resumed" process: new workers that start at epoch 2
    seeding = EpochSeededWorkerInit()
    resumed = epochs(loader(seeding), seeding, 2, 3)
    assert torch.equal(straight[2], resumed[2])
    # non-persistent workers make the very same batches
    seeding = EpochSeededWorkerInit()
    fresh = epochs(loader(seeding, persistent=False), seeding, 1, 3)
    assert torch.equal(straight[1], fresh[1])
    assert torch.equal(straight[2], fresh[2])
    # and the epochs (and the two workers) draw different numbers
    assert not torch.equal(straight[1][:, 1:], straight[2][:, 1:])
    assert not torch.equal(straight[1][0, 1:], straight[1][2, 1:])


def test_without_it_persistent_workers_do_not_resume():
    """The failure it fixes: with MMEngine's worker seeding (a fixed seed
    per worker, once per process) a persistent worker carries its stream
    over from the epochs before, which a resumed process restarts."""
    from functools import partial

    from mmengine.dataset import worker_init_fn
    mmengine_seeding = partial(worker_init_fn, num_workers=2, rank=0, seed=0)
    straight = epochs(loader(mmengine_seeding), mmengine_seeding, 0, 3)
    resumed = epochs(loader(mmengine_seeding), mmengine_seeding, 2, 3)
    assert torch.equal(straight[0], resumed[2])  # the stream restarted
    assert not torch.equal(straight[2], resumed[2])


def test_rng_state_round_trips_through_a_weights_only_load(tmp_path):
    reseed_all(7)
    random.random(), np.random.rand(), torch.rand(3)
    state = get_rng_state()
    expected = (random.random(), np.random.rand(4), torch.rand(4))
    path = str(tmp_path / 'state.pth')
    torch.save(dict(rng_state=state), path)
    reseed_all(8)
    set_rng_state(torch.load(path, weights_only=True)['rng_state'])
    assert random.random() == expected[0]
    assert np.array_equal(np.random.rand(4), expected[1])
    assert torch.equal(torch.rand(4), expected[2])

# Copyright (c) mmslkd contributors. All rights reserved.
import logging
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmslkd.engine.runner.epoch_seeded_workers import EpochSeededWorkerInit
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


def get_rng_state() -> dict:
    """The state of Python's, NumPy's and torch's (CPU and CUDA) global RNGs
    of this process, as tensors and plain containers (a weights-only
    ``torch.load`` reads it back).

    Returns:
        dict: ``python``, ``numpy``, ``torch`` and ``cuda`` states.
    """
    version, words, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return dict(
        python=[version, list(words), gauss],
        numpy=[
            kind,
            torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached
        ],
        torch=torch.get_rng_state(),
        cuda=torch.cuda.get_rng_state_all()
        if torch.cuda.is_available() else [])


def set_rng_state(state: dict) -> None:
    """Restore what :func:`get_rng_state` returned.

    Args:
        state (dict): The saved state.
    """
    version, words, gauss = state['python']
    random.setstate((version, tuple(words), gauss))
    kind, keys, pos, has_gauss, cached = state['numpy']
    np.random.set_state(
        (kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state['torch'])
    cuda = state.get('cuda') or []
    if cuda and torch.cuda.is_available() and len(
            cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda)


@HOOKS.register_module()
class EpochReseedHook(Hook):
    """Make a resumed run continue exactly as the uninterrupted one would:
    random streams that depend on (seed, epoch) only, dataloader workers
    (persistent or not) included, and checkpoints inside an epoch that
    resume where they were saved.

    MMEngine restores weights, optimizer, schedulers, message hub and the
    sampler's epoch on resume, but not the random number generators that
    data augmentation, dropout and the dataloader workers draw from. This
    hook, in epoch-based loops (all of mmslkd's configs):

    - reseeds Python, NumPy and torch at the start of every training epoch
      from the run's seed and the epoch, so nothing in an epoch depends on
      the process history before it (between two checkpoints, validation
      draws from the same generators);
    - gives the training dataloader's workers random streams that are a
      function of (seed, epoch, rank, worker) as well
      (:class:`EpochSeededWorkerInit`): a persistent worker's state would
      otherwise carry over from the epochs before, which a resumed process
      cannot reproduce (MMEngine's own worker seeding also restarts the
      same stream every epoch for non-persistent workers);
    - gives the dataloader its own generator for the base seed each
      iterator draws, so creating one (each epoch for fresh workers, once
      per process for persistent ones) does not move the global stream;
    - saves the global RNG states with every checkpoint, and, when resuming
      from one written inside an epoch (an iteration-based checkpoint
      interval), re-makes the epoch's batches up to it without training on
      them, so the workers are where they were, restores the saved states
      and continues with the next batch: the iterations, data and
      randomness are those of the uninterrupted run (MMEngine would replay
      the whole epoch: extra iterations on data already seen).

    Checkpoints also record the epoch's length; one written inside an epoch
    and resumed with another (a different batch size, dataset or number of
    processes) is refused before training, since the rest of that epoch
    cannot be made as it would have been.

    Exactness needs the batches handed to the workers in turn (PyTorch's
    default ``in_order=True``) and, with several processes, one seed for
    all of them (MMEngine's default; the saved RNG state is rank 0's).
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._workers: Optional[EpochSeededWorkerInit] = None
        self._generator: Optional[torch.Generator] = None
        self._loaded_rng_state: Optional[dict] = None
        self._loaded_epoch_length: Optional[int] = None

    @staticmethod
    def _epoch_based(runner) -> bool:
        return hasattr(runner.train_loop, 'max_epochs')

    @staticmethod
    def epoch_seed(runner) -> int:
        """The seed of the runner's current epoch.

        Args:
            runner: The runner.

        Returns:
            int: ``seed * 1_000_003 + epoch``.
        """
        seed = 0 if runner.seed is None else int(runner.seed)
        return seed * 1_000_003 + runner.epoch

    # ------------------------------------------------------------ set-up
    def before_train(self, runner) -> None:
        if not self._epoch_based(runner):
            return  # iteration-based loop: MMEngine's own resume
        loop = runner.train_loop
        loader = loop.dataloader
        if loader.num_workers > 0:
            if getattr(loader, '_iterator', None) is not None:
                raise RuntimeError(
                    'EpochReseedHook must seed the training dataloader\'s '
                    'workers before they start, but they were started '
                    'before training (something iterated the dataloader).')
            if getattr(loader, 'in_order', True) is False:
                print_log(
                    'train_dataloader.in_order=False hands batches to '
                    'whichever worker is free, so a resumed run will not '
                    'repeat the uninterrupted one exactly.',
                    logger='current',
                    level=logging.WARNING)
            self._workers = EpochSeededWorkerInit(loader.worker_init_fn,
                                                  get_rank())
            loader.worker_init_fn = self._workers
        self._generator = torch.Generator()
        loader.generator = self._generator
        self._resume_inside_epoch(runner)

    def before_train_epoch(self, runner) -> None:
        if not self._epoch_based(runner):
            return
        seed = self.epoch_seed(runner)
        reseed_all(seed)
        if self._generator is not None:
            self._generator.manual_seed(seed % 2**63)
        if self._workers is not None:
            self._workers.set_epoch_seed(seed)

    def after_train(self, runner) -> None:
        loader = runner.train_loop.dataloader
        if self._workers is not None and loader.worker_init_fn is \
                self._workers:
            loader.worker_init_fn = self._workers.init_fn
        self._workers = self._generator = None

    # ------------------------------------------------- checkpoint states
    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['rng_state'] = get_rng_state()
        if self._epoch_based(runner):
            checkpoint.setdefault('meta', {})['iters_per_epoch'] = len(
                runner.train_loop.dataloader)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._loaded_rng_state = checkpoint.get('rng_state')
        self._loaded_epoch_length = (checkpoint.get('meta')
                                     or {}).get('iters_per_epoch')

    # ------------------------------------------------ resume mid-epoch
    def _resume_inside_epoch(self, runner) -> None:
        loop = runner.train_loop
        per_epoch = len(loop.dataloader)
        saved_per_epoch = self._loaded_epoch_length or per_epoch
        done = runner.iter - runner.epoch * saved_per_epoch
        if done == 0:
            return  # an epoch boundary
        where = (f'The resumed checkpoint was saved at iteration '
                 f'{runner.iter}, in epoch {runner.epoch + 1}')
        if not 0 < done <= saved_per_epoch:
            raise ValueError(
                f'{where}, which does not fall in that epoch with '
                f'{saved_per_epoch} iterations per epoch: it was written '
                'with another batch size, dataset or number of processes. '
                'Resume with the settings of that run, or start a new run '
                'from its weights with load_from (without --resume).')
        if saved_per_epoch != per_epoch:
            raise ValueError(
                f'{where}, after {done} of its {saved_per_epoch} iterations, '
                f'but with this config an epoch has {per_epoch} iterations '
                '(another batch size, dataset or number of processes), so '
                'the rest of that epoch cannot be made as it would have '
                'been. Resume with the batch size, data and processes of '
                'the run that saved it, or resume from its last epoch '
                'checkpoint (epoch_N.pth), or start a new run from its '
                'weights with load_from (without --resume).')
        if self._loaded_rng_state is None:
            raise ValueError(
                f'{where}, after {done} of its {per_epoch} iterations, '
                'without the random-number states that continuing the epoch '
                'exactly needs (it was not written with EpochReseedHook), '
                'or it was written with another batch size. Resume from the '
                'last epoch checkpoint (epoch_N.pth) instead, or start a '
                'new run from its weights with load_from (without '
                '--resume).')
        state = self._loaded_rng_state
        hook = self

        def run_rest_of_epoch() -> None:
            del loop.run_epoch  # later epochs: the loop's own method
            runner.call_hook('before_train_epoch')
            runner.model.train()
            if done < per_epoch:
                print_log(
                    f'Resuming inside epoch {runner.epoch + 1}: re-making '
                    f'its first {done} batches without training on them, '
                    f'then continuing with batch {done + 1} of {per_epoch}.',
                    logger='current')
                for idx, data_batch in enumerate(loop.dataloader):
                    if idx < done:
                        if idx == done - 1:
                            set_rng_state(state)
                        continue
                    loop.run_iter(idx, data_batch)
            else:
                set_rng_state(state)
            runner.call_hook('after_train_epoch')
            loop._epoch += 1
            hook._loaded_rng_state = None

        loop.run_epoch = run_rest_of_epoch

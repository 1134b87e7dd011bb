# Copyright (c) mmslkd contributors. All rights reserved.
import os

__all__ = ['check_launcher_env', 'launcher_world_size', 'split_total_batch']

_LAUNCHER_VARS = dict(
    pytorch=('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'),
    slurm=('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'),
    mpi=('OMPI_COMM_WORLD_LOCAL_RANK', ))

# the variable in which each launcher tells a process how many there are
_WORLD_SIZE_VARS = dict(
    pytorch='WORLD_SIZE', slurm='SLURM_NTASKS', mpi='OMPI_COMM_WORLD_SIZE')


def check_launcher_env(launcher: str) -> None:
    """Fail early when a launcher's environment variables are missing.

    Args:
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Raises:
        RuntimeError: Naming the missing variables and how to start the job.
    """
    missing = [
        v for v in _LAUNCHER_VARS.get(launcher, ()) if v not in os.environ
    ]
    if missing:
        raise RuntimeError(
            f'--launcher {launcher} needs the environment variables '
            f'{missing}, which its launcher sets. Start multi-process jobs '
            'with tools/dist_train.sh (torchrun) or tools/slurm_train.sh, '
            'or drop --launcher to run in a single process.')


def launcher_world_size(launcher: str) -> int:
    """The number of processes of the job that this process belongs to.

    Args:
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        int: 1 without a launcher, else what the launcher set in the
        environment (``WORLD_SIZE``, ``SLURM_NTASKS``,
        ``OMPI_COMM_WORLD_SIZE``).
    """
    name = _WORLD_SIZE_VARS.get(launcher)
    if name is None:
        return 1
    check_launcher_env(launcher)
    value = os.environ.get(name, '1')
    try:
        world_size = int(value)
    except ValueError:
        world_size = 0
    if world_size < 1:
        raise RuntimeError(f'{name}={value!r} is not a process count.')
    return world_size


def split_total_batch(cfg, world_size: int) -> str:
    """Give each process its share of a config's total training batch.

    A config with ``batch_size_is_total = True`` (mmslkd's CIFAR schedules)
    reads ``train_dataloader.batch_size`` as the total batch of its recipe
    (CRD / mdistiller / SLKD: 64 over all GPUs): each of ``world_size``
    processes gets ``batch_size / world_size``, and the config is rewritten
    to plain MMEngine meaning (``batch_size`` per process,
    ``batch_size_is_total = False``), so the dumped config says what ran.
    Without the flag ``batch_size`` is per process, as in MMEngine.

    Args:
        cfg (mmengine.Config): The training config; changed in place.
        world_size (int): Number of training processes.

    Returns:
        str: One line naming the total batch, its split and the learning
        rate, for the log.

    Raises:
        ValueError: When the total does not split evenly.
    """
    loader = cfg.get('train_dataloader') or {}
    batch_size = loader.get('batch_size')
    if batch_size is None:
        return 'batch: the config has no train_dataloader.batch_size'
    if cfg.get('batch_size_is_total', False):
        if batch_size % world_size:
            raise ValueError(
                f'train_dataloader.batch_size={batch_size} is the total '
                f'batch of this recipe (batch_size_is_total=True), which '
                f'does not split over {world_size} processes. Use a process '
                f'count that divides {batch_size}, set a total that '
                f'{world_size} divides (--cfg-options '
                f'train_dataloader.batch_size=...), or pass --cfg-options '
                'batch_size_is_total=False to give every process '
                f'{batch_size}.')
        per_process = batch_size // world_size
        cfg.train_dataloader.batch_size = per_process
        cfg.batch_size_is_total = False
        how = 'the config\'s total, split'
    else:
        per_process = batch_size
        how = 'batch_size per process'
    total = per_process * world_size
    lrs = _learning_rates(cfg.get('optim_wrapper') or {})
    scale = cfg.get('auto_scale_lr') or {}
    ratio = None
    if scale.get('enable', False) and scale.get('base_batch_size'):
        ratio = total / scale['base_batch_size']
    parts = []
    for name, lr in lrs:
        value = f'{lr:g}' if ratio is None else f'{lr:g} -> {lr * ratio:g}'
        parts.append(f'{name} {value}' if name else value)
    lr_text = 'lr ' + ', '.join(parts)
    if ratio is None:
        lr_text += ' (auto_scale_lr off)'
    else:
        lr_text += (f' (--auto-scale-lr: x{ratio:g} for base batch '
                    f'{scale["base_batch_size"]})')
    return (f'batch: total {total} = {world_size} process'
            f'{"es" if world_size > 1 else ""} x {per_process} ({how}); '
            f'{lr_text}')


def _learning_rates(optim_wrapper, name: str = '') -> list:
    """``(name, lr)`` of each optimizer of one or several optim wrappers."""
    if 'optimizer' in optim_wrapper:
        lr = optim_wrapper['optimizer'].get('lr')
        return [] if lr is None else [(name, lr)]
    lrs = []
    for key, value in optim_wrapper.items():
        if isinstance(value, dict):
            lrs += _learning_rates(value, key)
    return lrs

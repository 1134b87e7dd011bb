# Copyright (c) mmslkd contributors. All rights reserved.
"""Checks that need the built runner, run by ``tools/train.py`` between
building it and ``runner.train()``: a training dataloader that yields no
iteration (a batch larger than the dataset with ``drop_last``), and a
``load_from`` checkpoint of another model (MMEngine loads it non-strictly:
nothing fits, nothing is loaded, and the run trains from scratch)."""
from mmengine.model import is_model_wrapper

from .build_errors import explain_build_error
from .checkpoint import (CheckpointError, describe_state_dict_mismatch,
                         extract_state_dict, safe_torch_load)

__all__ = ['check_runner_before_train']


def _format(keys, limit=3) -> str:
    keys = [str(k) for k in keys]
    shown = ', '.join(keys[:limit])
    return shown + (f' ... ({len(keys)} in all)' if len(keys) > limit else '')


def _build(runner, what: str):
    """Build ``runner.<what>`` as ``runner.train()`` would first do (it
    then reuses them), with build errors explained."""
    try:
        if what == 'train_loop':
            return runner.train_loop
        runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
        return runner.optim_wrapper
    except Exception as err:
        clearer = explain_build_error(err)
        if clearer is None:
            raise
        raise clearer from err


def _check_iterations(runner) -> None:
    """The training dataloader must give at least one batch per epoch."""
    loop = _build(runner, 'train_loop')
    loader = getattr(loop, 'dataloader', None)
    if loader is None:
        return
    try:
        num_batches = len(loader)
    except TypeError:  # an iterable dataset has no length
        return
    if num_batches > 0:
        return
    dataset = loader.dataset
    try:
        size = f'{len(dataset)} samples'
    except TypeError:
        size = 'its samples'
    sampler = getattr(loader, 'sampler', None)
    per_process = ''
    if sampler is not None and hasattr(sampler, '__len__'):
        per_process = f' ({len(sampler)} per process)'
    raise ValueError(
        f'The training dataloader yields 0 iterations per epoch: the '
        f'dataset has {size}{per_process}, fewer than train_dataloader.'
        f'batch_size={loader.batch_size} with drop_last={loader.drop_last}, '
        'so nothing would be trained (and a checkpoint still saved). Lower '
        'batch_size, set drop_last=False, or check the dataset.')


def _check_load_from(runner) -> None:
    """A ``load_from`` checkpoint (not resumed) must fit the model: every
    tensor of the model in the file, nothing else, with the same shapes."""
    filename = getattr(runner, '_load_from', None)
    if not filename or getattr(runner, '_resume', False) or \
            '://' in str(filename):
        return  # resuming is checked on its own; URLs are not read here
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    state_dict = extract_state_dict(safe_torch_load(filename, 'cpu'), filename)
    missing, unexpected, mismatched = describe_state_dict_mismatch(
        model, state_dict)
    if not (missing or unexpected or mismatched):
        return
    own = len(model.state_dict())
    fitting = own - len(missing) - len(mismatched)
    lines = [
        f'load_from {filename!r} does not fit the model of this config '
        f'({type(model).__name__}): {fitting} of its {own} tensors would be '
        'loaded. MMEngine loads load_from non-strictly, so the rest would '
        'silently keep their random initialisation.'
    ]
    if mismatched:
        lines.append('Shape mismatches (key: model vs checkpoint): ' +
                     _format([f'{k}: {a} vs {b}' for k, a, b in mismatched]))
    if missing:
        lines.append(f'Missing in checkpoint: {_format(missing)}')
    if unexpected:
        lines.append(f'Unexpected in checkpoint: {_format(unexpected)}')
    lines.append(
        'Fix: point load_from at a checkpoint of this model (same algorithm '
        'and networks). To initialise only part of it (e.g. the student '
        "from a classifier), give that part init_cfg=dict(type='Pretrained', "
        "checkpoint=..., prefix=...) instead; a teacher takes its "
        'checkpoint through teacher_ckpt / teachers[name].ckpt.')
    raise CheckpointError('\n'.join(lines))


def check_runner_before_train(runner) -> None:
    """Fail before ``runner.train()`` when the run would train nothing or
    start from weights other than those asked for.

    Builds the training loop (and so its dataloader) and the optimizer
    wrapper, as ``runner.train()`` would first do (it then reuses them);
    building errors are explained as in :func:`mmslkd.utils.build_runner`.

    Args:
        runner (Runner): The built runner.

    Raises:
        ValueError: The dataloader gives no iteration.
        CheckpointError: ``load_from`` does not fit the model.
    """
    _check_iterations(runner)
    _build(runner, 'optim_wrapper')
    _check_load_from(runner)

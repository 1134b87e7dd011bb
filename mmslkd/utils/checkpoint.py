# Copyright (c) mmslkd contributors. All rights reserved.
"""Where mmslkd reads checkpoints from disk: one policy for every file.

Every checkpoint is read with ``torch.load(..., weights_only=True)``: torch's
restricted unpickler builds tensors, containers and an explicit allow-list of
plain types (see :mod:`mmslkd.compat`), and never calls arbitrary Python code,
so a teacher checkpoint downloaded from somewhere cannot run code on load.
Failures are turned into errors that name the file, what is wrong with it and
how to fix it.
"""
import copy
import glob
import os
import os.path as osp
import pickle
import re
import warnings
import zipfile
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

import torch
from torch import nn

from .validation import RANDOM_TEACHER, is_random_teacher

__all__ = [
    'CheckpointError', 'safe_torch_load', 'extract_state_dict',
    'load_teacher_checkpoint', 'describe_state_dict_mismatch',
    'is_complete_checkpoint', 'find_resumable_checkpoint',
    'load_checkpoint_strictly'
]

#: environment variable that explicitly allows unpickling arbitrary objects
TRUST_ENV = 'MMSLKD_TRUST_PICKLED_CHECKPOINTS'


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, unreadable or does not fit a model."""


def safe_torch_load(filename: str, map_location=None) -> object:
    """Load a checkpoint file with torch's weights-only unpickler.

    Args:
        filename (str): Path of a local checkpoint file.
        map_location: Same as :func:`torch.load`.

    Returns:
        object: Whatever the file holds (usually a dict).

    Raises:
        CheckpointError: The file is missing, truncated or corrupt, or it
            needs Python objects that a weights-only load refuses to build
            (unless ``MMSLKD_TRUST_PICKLED_CHECKPOINTS=1`` opts in, for
            files the user trusts).
    """
    filename = osp.expanduser(str(filename))
    if not osp.isfile(filename):
        raise CheckpointError(
            f'Checkpoint file {filename!r} does not exist. Check the path '
            '(teacher_ckpt / load_from / --resume) or produce the file first '
            '(train the teacher, or convert a published checkpoint with '
            'tools/model_converters/).')
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if 'Weights only load failed' in str(err):
            if os.environ.get(TRUST_ENV) == '1':
                warnings.warn(
                    f'{TRUST_ENV}=1: unpickling {filename!r} with '
                    'weights_only=False, as explicitly allowed. Only do this '
                    'for files you created or fully trust.')
                return torch.load(
                    filename, map_location=map_location, weights_only=False)
            raise CheckpointError(
                f'Checkpoint {filename!r} contains pickled Python objects '
                'that are not plain tensors or containers. mmslkd loads '
                'every checkpoint with weights_only=True, because unpickling '
                'arbitrary objects can execute code. If you trust the file, '
                're-save just its tensors (torch.save({"state_dict": '
                'ckpt["state_dict"]}, path) after loading it yourself), or '
                f'opt in explicitly with {TRUST_ENV}=1 (tools: '
                '--trust-pickled-checkpoints). Details: '
                f'{str(err).splitlines()[0]}') from err
        raise CheckpointError(_corrupt_message(filename, err)) from err
    except (RuntimeError, EOFError, ValueError, OSError) as err:
        raise CheckpointError(_corrupt_message(filename, err)) from err


def _corrupt_message(filename: str, err: BaseException) -> str:
    return (f'Checkpoint {filename!r} is truncated or corrupt and cannot '
            f'be read ({type(err).__name__}: {err}). Re-download or re-save '
            'it; when resuming, remove it so that the previous checkpoint is '
            'used.')


def extract_state_dict(checkpoint: object, filename: str = '') -> Dict:
    """Take the model state dict out of a loaded checkpoint.

    Accepts MMEngine checkpoints (``state_dict`` entry) and bare state dicts,
    and strips a DataParallel ``module.`` prefix.

    Args:
        checkpoint (object): The loaded checkpoint.
        filename (str): Its path, for error messages.

    Returns:
        dict: The state dict.
    """
    if not isinstance(checkpoint, dict):
        raise CheckpointError(
            f'Checkpoint {filename!r} holds a {type(checkpoint).__name__}, '
            'not a dict of tensors.')
    if 'state_dict' in checkpoint:
        state_dict = checkpoint['state_dict']
    elif 'model' in checkpoint and isinstance(checkpoint['model'], dict):
        raise CheckpointError(
            f'Checkpoint {filename!r} has a top-level "model" entry: it is in '
            'the CRD/mdistiller layout, whose key names differ from '
            'mmslkd classifiers. Convert it first: python '
            'tools/model_converters/mdistiller_to_mmslkd.py '
            f'{filename} OUT.pth --arch ARCH')
    else:
        state_dict = checkpoint
    return OrderedDict(
        (k[len('module.'):] if k.startswith('module.') else k, v)
        for k, v in state_dict.items())


def describe_state_dict_mismatch(model: nn.Module,
                                 state_dict: Dict) -> Tuple[List, List, List]:
    """Compare a state dict with a model.

    Args:
        model (nn.Module): The model to load into.
        state_dict (dict): The candidate state dict.

    Returns:
        tuple[list, list, list]: Missing keys, unexpected keys and
        ``(key, expected_shape, found_shape)`` for shape mismatches.
    """
    own = model.state_dict()
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    mismatched = [(k, tuple(own[k].shape), tuple(state_dict[k].shape))
                  for k in own
                  if k in state_dict and hasattr(state_dict[k], 'shape')
                  and tuple(own[k].shape) != tuple(state_dict[k].shape)]
    return missing, unexpected, mismatched


DEFAULT_FIX = 'Give the config the checkpoint was trained with.'


def load_checkpoint_strictly(model: nn.Module,
                             filename: str,
                             fix: str = DEFAULT_FIX) -> None:
    """Load a checkpoint into a whole model; any mismatch is an error.

    Args:
        model (nn.Module): The model (e.g. a distillation algorithm).
        filename (str): Checkpoint path, read weights-only.
        fix (str): The fix to suggest on a mismatch.
    """
    state_dict = extract_state_dict(safe_torch_load(filename, 'cpu'), filename)
    missing, unexpected, mismatched = describe_state_dict_mismatch(
        model, state_dict)
    if missing or unexpected or mismatched:
        raise CheckpointError(
            f'{filename!r} does not fit the model of this config: '
            f'{len(missing)} missing keys (e.g. {missing[:3]}), '
            f'{len(unexpected)} unexpected keys (e.g. {unexpected[:3]}), '
            f'{len(mismatched)} shape mismatches (e.g. {mismatched[:3]}). ' +
            fix)
    model.load_state_dict(state_dict, strict=True)


def _format_keys(keys: List, limit: int = 5) -> str:
    shown = ', '.join(str(k) for k in keys[:limit])
    return shown + (f' ... ({len(keys)} in all)' if len(keys) > limit else '')


def load_teacher_checkpoint(model: nn.Module,
                            filename: str,
                            map_location: Optional[str] = 'cpu',
                            role: str = 'teacher',
                            **kwargs) -> Dict:
    """Load a checkpoint into a frozen network, strictly.

    A teacher whose checkpoint does not fit its architecture would silently
    stay randomly initialised if loaded non-strictly; here every missing,
    unexpected or mis-shaped tensor is an error naming the file and the fix.

    Args:
        model (nn.Module): The network (e.g. the teacher classifier).
        filename (str): Checkpoint path.
        map_location (str, optional): Same as :func:`torch.load`.
        role (str): What the network is, for messages. Defaults to
            ``'teacher'``.
        **kwargs: Accepted for call compatibility with
            :func:`mmengine.runner.load_checkpoint` (``strict``, ``logger``,
            ``revise_keys``); loading is always strict.

    Returns:
        dict: The loaded checkpoint; empty for ``'random'``, the explicit
        opt-in for a randomly initialised network (nothing is loaded).
    """
    if is_random_teacher(filename):
        return {}
    checkpoint = safe_torch_load(filename, map_location)
    state_dict = extract_state_dict(checkpoint, filename)
    missing, unexpected, mismatched = describe_state_dict_mismatch(
        model, state_dict)
    if missing or unexpected or mismatched:
        lines = [
            f'The {role} checkpoint {filename!r} does not match the {role} '
            f'architecture ({type(model).__name__}).'
        ]
        if mismatched:
            lines.append(
                'Shape mismatches (key: model vs checkpoint): ' +
                _format_keys([f'{k}: {a} vs {b}' for k, a, b in mismatched]))
        if missing:
            lines.append('Missing in checkpoint: ' + _format_keys(missing))
        if unexpected:
            lines.append('Unexpected in checkpoint: ' +
                         _format_keys(unexpected))
        lines.append(
            f'Fix: make the {role} config match the network that was saved '
            '(backbone arch, head.num_classes), or point the checkpoint '
            'path at the right file.')
        raise CheckpointError('\n'.join(lines))
    model.load_state_dict(state_dict, strict=True)
    return checkpoint


def drop_teacher_checkpoints(model_cfg: dict) -> dict:
    """A copy of an algorithm config without its teacher checkpoints
    (``teacher_ckpt`` and every ``teachers[name].ckpt`` become ``'random'``,
    the explicit opt-in), for building a model whose weights come from
    elsewhere (a checkpoint of the whole run) or do not matter (benchmarks).

    Args:
        model_cfg (dict): The ``model`` config.

    Returns:
        dict: The copy.
    """
    model_cfg = copy.deepcopy(model_cfg)
    if 'teacher_ckpt' in model_cfg:
        model_cfg['teacher_ckpt'] = RANDOM_TEACHER
    for spec in (model_cfg.get('teachers') or {}).values():
        if isinstance(spec, dict):
            spec['ckpt'] = RANDOM_TEACHER
    return model_cfg


def is_complete_checkpoint(filename: str) -> bool:
    """Whether a file is a complete torch checkpoint (its zip archive is
    intact: a file truncated or damaged while being written is not).

    Args:
        filename (str): The file.

    Returns:
        bool: True if it can be read back.
    """
    try:
        with zipfile.ZipFile(filename) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False


def _checkpoint_number(filename: str) -> int:
    match = re.fullmatch(r'(?:epoch|iter)_(\d+)\.pth', osp.basename(filename))
    return int(match.group(1)) if match else -1


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest complete checkpoint of a run, to resume from.

    Candidates are the file named in ``work_dir/last_checkpoint`` and every
    ``epoch_N.pth`` / ``iter_N.pth`` in ``work_dir``, newest first; the
    first complete one wins (a newer damaged one is reported in a warning).

    Args:
        work_dir (str): The run's work dir.

    Returns:
        str | None: The checkpoint, or None when the run saved none yet.

    Raises:
        CheckpointError: Checkpoints exist, but none is complete.
    """
    candidates = sorted(
        glob.glob(osp.join(work_dir, 'epoch_*.pth')) +
        glob.glob(osp.join(work_dir, 'iter_*.pth')),
        key=_checkpoint_number,
        reverse=True)
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named in candidates:
            candidates.remove(named)
        if named and osp.isfile(named):
            candidates.insert(0, named)
    damaged = []
    for candidate in candidates:
        if is_complete_checkpoint(candidate):
            if damaged:
                warnings.warn(
                    f'Skipping damaged checkpoint(s) {damaged} (truncated or '
                    f'corrupt); resuming from {candidate!r}.')
            return candidate
        damaged.append(candidate)
    if damaged:
        raise CheckpointError(
            f'No complete checkpoint to resume from in {work_dir!r}: '
            f'{damaged} are all truncated or corrupt. Remove them to start '
            'over, or resume from a copy with --resume PATH.')
    return None

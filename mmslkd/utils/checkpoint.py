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
    'load_checkpoint_strictly', 'check_resumable_checkpoint'
]

#: environment variable that explicitly allows unpickling arbitrary objects
TRUST_ENV = 'MMSLKD_TRUST_PICKLED_CHECKPOINTS'


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, unreadable or does not fit a model."""


def _not_a_file_message(filename: str) -> Optional[str]:
    """Why ``filename`` cannot be a checkpoint file at all (a folder, or a
    file that is neither a torch zip archive nor a pickle), or None."""
    if osp.isdir(filename):
        inside = sorted(
            osp.basename(f) for f in glob.glob(osp.join(filename, '*.pth')))
        return (f'{filename!r} is a directory, not a checkpoint file. Name '
                'a checkpoint file' +
                (f' (it holds {_format_keys(inside, 4)})' if inside else '') +
                ' (for --resume, giving --resume without a path takes the '
                'newest complete checkpoint of the --work-dir).')
    if not osp.isfile(filename):
        return None
    with open(filename, 'rb') as f:
        head = f.read(64)
    if head.startswith(b'PK') or head.startswith(b'\x80') or not head:
        return None  # a zip archive, a pickle, or empty (corrupt)
    try:
        text = head.decode('utf-8')
    except UnicodeDecodeError:
        text = None
    kind = (f'a text file (it starts with {text.splitlines()[0][:40]!r})'
            if text and text.strip() else 'neither a torch checkpoint (zip '
            'archive) nor a pickle')
    return (f'{filename!r} is not a checkpoint: it is {kind}. Check the path '
            '(teacher_ckpt / load_from / --resume / the tested checkpoint); '
            'a checkpoint is a .pth file written by torch.save (e.g. '
            'work_dirs/<run>/epoch_N.pth). If you meant the newest '
            'checkpoint named in a work dir\'s last_checkpoint file, give '
            '--resume without a path.')


def safe_torch_load(filename: str, map_location=None, mmap: bool = False):
    """Load a checkpoint file with torch's weights-only unpickler.

    Args:
        filename (str): Path of a local checkpoint file.
        map_location: Same as :func:`torch.load`.
        mmap (bool): Map the tensors' storage from the file instead of
            reading it (cheap when only a few entries are needed).

    Returns:
        object: Whatever the file holds (usually a dict).

    Raises:
        CheckpointError: The file is missing, truncated or corrupt, or it
            needs Python objects that a weights-only load refuses to build
            (unless ``MMSLKD_TRUST_PICKLED_CHECKPOINTS=1`` opts in, for
            files the user trusts).
    """
    filename = osp.expanduser(str(filename))
    not_a_file = _not_a_file_message(filename)
    if not_a_file:
        raise CheckpointError(not_a_file)
    if not osp.isfile(filename):
        raise CheckpointError(
            f'Checkpoint file {filename!r} does not exist. Check the path '
            '(teacher_ckpt / load_from / --resume) or produce the file first '
            '(train the teacher, or convert a published checkpoint with '
            'tools/model_converters/).')
    try:
        return torch.load(
            filename,
            map_location=map_location,
            weights_only=True,
            mmap=mmap or None)
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
    except (RuntimeError, EOFError, ValueError, OSError, KeyError, IndexError,
            TypeError, AttributeError) as err:
        # (a damaged legacy pickle fails in torch's reader with any of them)
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
        opt-in for a randomly initialised network (nothing is loaded; the
        network is initialised by its ``init_weights``).
    """
    if is_random_teacher(filename):
        # the explicit opt-in: the network's own initialisation (init_cfg),
        # done now, since MMRazor marks a teacher with a checkpoint as
        # initialised
        if hasattr(model, 'init_weights'):
            model.init_weights()
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


def _newest_first(paths: List[str]) -> List[str]:
    """Order a work dir's ``epoch_N.pth`` / ``iter_N.pth`` newest first: by
    N (numeric, not lexical), or by modification time where both kinds
    are present (epoch and iteration numbers do not compare)."""
    kinds = {osp.basename(p).split('_')[0] for p in paths}
    if len(kinds) > 1:
        return sorted(
            paths,
            key=lambda p: (osp.getmtime(p), _checkpoint_number(p)),
            reverse=True)
    return sorted(paths, key=_checkpoint_number, reverse=True)


def _same_folder(path: str, folder: str) -> bool:
    return osp.realpath(osp.dirname(osp.abspath(path))) == osp.realpath(
        osp.abspath(folder))


#: what a checkpoint that training wrote holds, and resuming reads
RESUME_KEYS = ('state_dict', 'meta', 'message_hub', 'optimizer')


def _resume_problem(filename: str) -> Optional[str]:
    """Why a complete checkpoint cannot be resumed, or None."""
    checkpoint = safe_torch_load(filename, 'cpu', mmap=True)
    if not isinstance(checkpoint, dict):
        return (f'{filename!r} cannot be resumed: it holds a '
                f'{type(checkpoint).__name__}, not a training checkpoint.')
    meta = checkpoint.get('meta')
    missing = [k for k in RESUME_KEYS if k not in checkpoint]
    has_position = isinstance(meta, dict) and 'epoch' in meta and \
        'iter' in meta
    if not missing and has_position:
        return None
    if not missing:
        missing = ['meta.epoch / meta.iter']
    return (f'{filename!r} cannot be resumed: it has '
            f'{_format_keys(sorted(map(str, checkpoint)), 4)} but no '
            f'{", ".join(missing)}. It holds weights only (a teacher, '
            'published or converted checkpoint), not a checkpoint that '
            'training wrote, so there is no optimizer state, schedule or '
            'iteration to continue from. To train from these weights, use '
            f'load_from (--cfg-options load_from={filename}) without '
            '--resume; to continue a run, resume from a checkpoint in its '
            'work dir (epoch_N.pth / iter_N.pth).')


def check_resumable_checkpoint(filename: str) -> None:
    """Fail before training unless ``filename`` is a complete checkpoint
    that training wrote (weights, optimizer, message hub, epoch and
    iteration), so that ``--resume`` can continue from it.

    Args:
        filename (str): The checkpoint given to ``--resume``.

    Raises:
        CheckpointError: It is missing, not a file, damaged, or a
            weights-only checkpoint; the message names the fix.
    """
    if not is_complete_checkpoint(filename):
        safe_torch_load(filename)  # raises, naming the problem
        raise CheckpointError(
            f'--resume {filename!r} is not a complete checkpoint (not an '
            'intact torch zip archive, as training writes them).')
    problem = _resume_problem(filename)
    if problem:
        raise CheckpointError(problem)


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest complete checkpoint of a run, to resume from.

    Candidates are this work dir's ``epoch_N.pth`` / ``iter_N.pth``, newest
    first, with the one that ``work_dir/last_checkpoint`` names (the last
    one saved) in front when it is in this work dir; the first complete
    training checkpoint wins (newer damaged or weights-only ones are
    reported in a warning). A ``last_checkpoint`` that names a file in
    another folder (a copied or moved work dir) is followed only when this
    work dir has no complete checkpoint of its own, with a warning.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        str | None: The checkpoint, or None when the run saved none yet.

    Raises:
        CheckpointError: Checkpoints exist, but none is complete.
    """
    candidates = _newest_first(
        glob.glob(osp.join(work_dir, 'epoch_*.pth')) +
        glob.glob(osp.join(work_dir, 'iter_*.pth')))
    elsewhere = None
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named and osp.isfile(named):
            if _same_folder(named, work_dir):
                candidates = [named] + [
                    c for c in candidates
                    if osp.realpath(c) != osp.realpath(named)
                ]
            else:
                elsewhere = named
    skipped = []
    for candidate in candidates:
        if not is_complete_checkpoint(candidate):
            skipped.append(f'{candidate!r} (truncated or corrupt)')
            continue
        if _resume_problem(candidate):
            skipped.append(f'{candidate!r} (weights only, no training state)')
            continue
        if skipped:
            warnings.warn(f'Skipping damaged checkpoint(s) '
                          f'{", ".join(skipped)}; resuming from '
                          f'{candidate!r}.')
        if elsewhere:
            warnings.warn(
                f'{pointer} names {elsewhere!r}, in another folder (a copied '
                'or moved work dir?); resuming from this work dir\'s newest '
                f'complete checkpoint {candidate!r} instead.')
        return candidate
    if elsewhere and is_complete_checkpoint(elsewhere) and \
            not _resume_problem(elsewhere):
        warnings.warn(
            f'{work_dir!r} has no complete checkpoint of its own; resuming '
            f'from {elsewhere!r}, in another folder, which its '
            'last_checkpoint names. Give --resume PATH to choose another.')
        return elsewhere
    if skipped:
        raise CheckpointError(
            f'No complete checkpoint to resume from in {work_dir!r}: '
            f'{", ".join(skipped)}. Remove them to start over, or resume '
            'from a copy with --resume PATH.')
    return None

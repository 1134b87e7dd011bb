# Copyright (c) mmslkd contributors. All rights reserved.
"""Validation of numeric options and teacher checkpoints, shared by the
losses, algorithms, teacher-weighting rules and the pre-training config
check, so that a NaN, an infinity, a wrong sign or a forgotten teacher
checkpoint fails when the option is read, with a message that names the
option and the fix, instead of training something other than what was asked.

Comparisons with NaN are always False (``nan > 0``, ``nan < 0``), so a check
written as ``if weight < 0: raise`` lets NaN through, and ``if weight > 0:``
then silently drops the term: every check here tests finiteness first.
"""
import math
import numbers
from typing import Optional

import torch
from torch import nn

__all__ = [
    'RANDOM_TEACHER', 'check_number', 'check_weights', 'check_loss_options',
    'is_random_teacher', 'require_teacher_checkpoint', 'TEMPERATURE_NAMES'
]

#: the explicit opt-in for a teacher without a checkpoint:
#: ``teacher_ckpt='random'`` / ``teachers[name].ckpt='random'``
RANDOM_TEACHER = 'random'

#: option names that are temperatures (they divide logits: must be > 0)
TEMPERATURE_NAMES = ('tau', 'temperature', 'T', 'temp')


def _describe(where: Optional[str], name: str) -> str:
    return f'{where}: {name}' if where else name


def check_number(name: str,
                 value,
                 where: Optional[str] = None,
                 positive: bool = False,
                 non_negative: bool = False,
                 integer: bool = False,
                 why: str = ''):
    """Check one numeric option: a real number (not a string or a bool),
    finite, and optionally > 0, >= 0 or an integer.

    Args:
        name (str): The option's name, as the config spells it.
        value: Its value.
        where (str, optional): Who reads it (a class name, a config path).
        positive (bool): Must be > 0.
        non_negative (bool): Must be >= 0.
        integer (bool): Must be an integer.
        why (str): Why the constraint holds, appended to the message.

    Returns:
        The value, unchanged.

    Raises:
        TypeError: Not a real number.
        ValueError: Not finite, or out of range.
    """
    what = _describe(where, name)
    kind = 'an integer' if integer else 'a number'
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(
            value, numbers.Integral if integer else numbers.Real):
        hint = ' Write it without quotes in the config.' if isinstance(
            value, str) else ' Fix it in the config.'
        raise TypeError(f'{what} must be {kind}, got {value!r} '
                        f'({type(value).__name__}).{hint}')
    constraint = ' > 0' if positive else ' >= 0' if non_negative else ''
    suffix = f' ({why})' if why else ''
    if not math.isfinite(value):
        raise ValueError(
            f'{what} must be a finite number{constraint}, got {value!r}'
            f'{suffix}. A NaN or infinite option would silently drop a term '
            '(nan > 0 is False) or fill the run with NaN; fix it in the '
            'config.')
    if (positive and not value > 0) or (non_negative and not value >= 0):
        raise ValueError(f'{what} must be{constraint}, got {value!r}'
                         f'{suffix}. Fix it in the config.')
    return value


def check_weights(name: str,
                  weights,
                  where: Optional[str] = None,
                  num: Optional[int] = None,
                  num_what: str = 'entries',
                  sum_to_one: bool = False) -> torch.Tensor:
    """Check a sequence of weights: finite, non-negative, of a given length
    and optionally summing to 1.

    Args:
        name (str): The option's name.
        weights (Sequence[float] | Tensor): The weights.
        where (str, optional): Who reads them.
        num (int, optional): The required number of weights.
        num_what (str): What there is one weight per (for the message).
        sum_to_one (bool): They must sum to 1.

    Returns:
        Tensor: The weights as a flat float32 tensor.
    """
    what = _describe(where, name)
    try:
        tensor = torch.as_tensor(weights, dtype=torch.float32).flatten()
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f'{what} must be a sequence of numbers, got '
                        f'{weights!r}.') from None
    if num is not None and tensor.numel() != num:
        raise ValueError(f'{what} has {tensor.numel()} values for {num} '
                         f'{num_what}; give one weight per {num_what[:-1]}.')
    if not torch.isfinite(tensor).all():
        raise ValueError(f'{what} must be finite, got {tensor.tolist()}. '
                         'A NaN weight passes the "< 0" and sum checks '
                         'unnoticed; fix it in the config.')
    if (tensor < 0).any():
        raise ValueError(
            f'{what} must be non-negative, got {tensor.tolist()}.')
    if sum_to_one and abs(tensor.sum().item() - 1.0) > 1e-6:
        raise ValueError(f'{what} must sum to 1, got {tensor.tolist()} '
                         f'(sum {tensor.sum().item():.6g}).')
    return tensor


def _is_weight_name(name: str) -> bool:
    return name == 'loss_weight' or name.endswith('_weight') or \
        name in ('alpha', 'beta', 'gamma', 'weight')


def check_loss_options(options, where: str) -> None:
    """Check the numeric options of a loss, given as its config dict or as
    the built module (whose public attributes are its options): every number
    finite, temperatures (``tau``, ``temperature``, ``T``) > 0, weights
    (``loss_weight``, ``*_weight``, ``alpha``, ``beta``) >= 0.

    This is how options of upstream losses that check nothing themselves
    (MMRazor's ``KLDivergence``, ``DKDLoss``, ``ATLoss``...) are validated
    by the algorithms and distillers that build them.

    Args:
        options (dict | nn.Module): The loss config or module.
        where (str): Which loss (for the message).
    """
    if isinstance(options, nn.Module):
        items = [(k, v) for k, v in vars(options).items()
                 if not k.startswith('_')]
    else:
        items = [(k, v) for k, v in dict(options).items() if k != 'type']
    for key, value in items:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            continue
        if key in TEMPERATURE_NAMES:
            check_number(
                key,
                value,
                where,
                positive=True,
                why='a temperature divides the logits: 0 divides by zero, '
                'a negative one reverses the ranking of the classes')
        elif _is_weight_name(key):
            check_number(key, value, where, non_negative=True)
        else:
            check_number(key, value, where)


def is_random_teacher(ckpt) -> bool:
    """Whether a teacher checkpoint option is the explicit opt-in for a
    randomly initialised teacher (``'random'``)."""
    return isinstance(ckpt, str) and ckpt.strip().lower() == RANDOM_TEACHER


def require_teacher_checkpoint(ckpt, option: str, where: str) -> None:
    """A distillation teacher built from a config needs its checkpoint:
    without one it is a random network and the student learns noise, with
    exit code 0. ``'random'`` opts in explicitly (tests, benchmarks).

    Args:
        ckpt: The configured checkpoint (path, ``'random'`` or None).
        option (str): The option's name in the config, e.g.
            ``'model.teacher_ckpt'``.
        where (str): Who reads it.

    Raises:
        ValueError: No checkpoint and no explicit opt-in.
    """
    if ckpt is None or (isinstance(ckpt, str) and not ckpt.strip()):
        raise ValueError(
            f'{where}: {option} is not set, so the teacher would keep its '
            'random initialisation and the student would learn from noise. '
            f'Set {option} to the teacher\'s checkpoint (e.g. --cfg-options '
            f'{option}=work_dirs/<teacher>/epoch_240.pth), or to '
            f"'{RANDOM_TEACHER}' if a randomly initialised teacher is what "
            'you want (tests, benchmarks).')
    if not isinstance(ckpt, str):
        raise TypeError(f'{where}: {option} must be a file path or '
                        f"'{RANDOM_TEACHER}', got {ckpt!r}.")


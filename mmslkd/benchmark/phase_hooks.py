# Copyright (c) mmslkd contributors. All rights reserved.
import contextlib
from typing import Iterator, List

import torch
from mmengine.model import is_model_wrapper
from torch import nn

from .reference_step import PhaseClock


def _roles(model: nn.Module) -> List[tuple]:
    """(module, phase) of the networks an algorithm runs."""
    roles = [(model.data_preprocessor, 'data')]
    teachers = getattr(model, 'teachers', None)
    if isinstance(teachers, nn.ModuleDict):
        roles += [(t, 'teacher_forward') for t in teachers.values()]
    elif isinstance(getattr(model, 'teacher', None), nn.Module):
        roles.append((model.teacher, 'teacher_forward'))
    if isinstance(getattr(model, 'self_learning_teachers', None), nn.Module):
        roles.append((model.self_learning_teachers, 'slt_forward'))
    student = getattr(model, 'architecture', None)
    roles.append(
        (student if student is not None else model, 'student_forward'))
    return roles


@contextlib.contextmanager
def time_phases(model: nn.Module, clock: PhaseClock) -> Iterator[None]:
    """Charge the time of ``model.train_step`` to the phases of
    :data:`~mmslkd.benchmark.reference_step.PHASES`.

    Forward hooks on the data preprocessor and on each network, a wrapper of
    ``torch.autograd.backward`` and global optimizer-step hooks lap the
    clock; time between them (losses, recorders, log variables) is
    ``'other'``. Call ``clock.start()`` before and ``clock.lap('other')``
    after each step.

    Args:
        model (nn.Module): The algorithm (a model wrapper is unwrapped).
        clock (PhaseClock): Receives the times.
    """
    model = model.module if is_model_wrapper(model) else model
    handles = []
    for module, phase in _roles(model):
        handles.append(
            module.register_forward_pre_hook(lambda *_: clock.lap('other')))
        handles.append(
            module.register_forward_hook(
                lambda *_, phase=phase: clock.lap(phase)))
    from torch.optim.optimizer import (register_optimizer_step_post_hook,
                                       register_optimizer_step_pre_hook)
    handles.append(
        register_optimizer_step_pre_hook(lambda *_: clock.lap('other')))
    handles.append(
        register_optimizer_step_post_hook(lambda *_: clock.lap('optimizer')))
    original = torch.autograd.backward

    def backward(*args, **kwargs):
        clock.lap('other')
        result = original(*args, **kwargs)
        clock.lap('backward')
        return result

    torch.autograd.backward = backward
    try:
        yield
    finally:
        torch.autograd.backward = original
        for handle in handles:
            handle.remove()

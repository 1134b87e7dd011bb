# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Any

import torch

_LOW_PRECISION = (torch.float16, torch.bfloat16)


def float32_losses(device_type: str) -> torch.autocast:
    """A context computing losses in float32 under AMP: autocast is off
    inside, and inputs cast with :func:`to_float32` stay float32.

    Args:
        device_type (str): ``'cuda'`` or ``'cpu'`` (the inputs' device).
    """
    return torch.autocast(device_type=device_type, enabled=False)


def to_float32(data: Any) -> Any:
    """Cast float16/bfloat16 tensors (also inside lists, tuples and dicts)
    to float32; anything else is returned as is."""
    if torch.is_tensor(data):
        return data.float() if data.dtype in _LOW_PRECISION else data
    if isinstance(data, (list, tuple)):
        return type(data)(to_float32(d) for d in data)
    if isinstance(data, dict):
        return {k: to_float32(v) for k, v in data.items()}
    return data


def clone_inference_tensors(data: Any) -> Any:
    """Clone tensors made under ``torch.inference_mode`` into normal ones
    (inference tensors cannot be saved for the backward of later ops)."""
    if torch.is_tensor(data):
        return data.clone() if data.is_inference() else data
    if isinstance(data, (list, tuple)):
        return type(data)(clone_inference_tensors(d) for d in data)
    if isinstance(data, dict):
        return {k: clone_inference_tensors(v) for k, v in data.items()}
    return data


def teacher_context(inference_mode: bool):
    """The context of frozen teachers: ``torch.inference_mode`` (no autograd
    state at all) or ``torch.no_grad``."""
    return torch.inference_mode() if inference_mode else torch.no_grad()

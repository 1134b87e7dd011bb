# Copyright (c) mmslkd contributors. All rights reserved.
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmslkd.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Keep every 4-D parameter and buffer of the model (student, teachers,
    SL-Ts) in ``torch.channels_last`` memory format.

    Convolutions whose weights are channels-last produce channels-last
    outputs, so the whole network runs in NHWC, which tensor cores (and
    oneDNN on CPU) prefer; inputs are converted by the first convolution.
    The arithmetic is unchanged: losses equal the default format's up to
    floating-point summation order. Add it with
    ``custom_hooks = [dict(type='ChannelsLastHook')]``.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        model.to(memory_format=torch.channels_last)

# Copyright (c) mmslkd contributors. All rights reserved.
"""Test helper, imported by configs through ``custom_imports``: the process
kills itself with SIGKILL (no clean-up, no last checkpoint) right before a
given training iteration."""
import os
import signal

from mmengine.hooks import Hook

from mmslkd.registry import HOOKS


@HOOKS.register_module()
class KillAtIterationHook(Hook):

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), signal.SIGKILL)

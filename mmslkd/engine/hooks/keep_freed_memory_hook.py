# Copyright (c) mmslkd contributors. All rights reserved.
from mmengine.hooks import Hook

from mmslkd.registry import HOOKS
from mmslkd.utils.malloc import keep_freed_memory


@HOOKS.register_module()
class KeepFreedMemoryHook(Hook):
    """CPU training: let glibc keep freed memory for reuse instead of
    faulting every step's large buffers in again
    (:func:`mmslkd.utils.malloc.keep_freed_memory`). Resident memory stays
    at its peak. Add it with ``custom_hooks =
    [dict(type='KeepFreedMemoryHook')]``; it warns and does nothing where
    the C library is not glibc.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        if not keep_freed_memory():
            runner.logger.warning(
                'KeepFreedMemoryHook: the C library did not accept mallopt '
                'settings (not glibc?); memory behaviour is unchanged.')

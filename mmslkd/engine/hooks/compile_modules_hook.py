# Copyright (c) mmslkd contributors. All rights reserved.
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmslkd.registry import HOOKS


@HOOKS.register_module()
class CompileModulesHook(Hook):
    """``torch.compile`` chosen networks of the model (e.g. the student and
    the SL-Ts) before training.

    Uses ``nn.Module.compile``, which compiles in place: module names,
    ``state_dict`` keys and checkpoints are unchanged, and the frozen
    teachers (run once per step without backward) can stay eager. Unlike
    MMEngine's ``compile=True``, which compiles the whole ``train_step``,
    this leaves the algorithm's Python (loss bookkeeping, recorders)
    outside the compiled graphs. Add it with ``custom_hooks =
    [dict(type='CompileModulesHook', modules=['architecture',
    'self_learning_teachers'])]``.

    Args:
        modules (Sequence[str]): Dotted names of sub-modules of the model.
        compile_cfg (dict, optional): Keyword arguments of
            ``torch.compile`` (``backend``, ``mode``, ``dynamic``...).
    """

    priority = 'VERY_LOW'

    def __init__(self,
                 modules: Sequence[str] = ('architecture', ),
                 compile_cfg: Optional[dict] = None) -> None:
        if isinstance(modules, str) or not modules:
            raise TypeError('modules must be a non-empty list of dotted '
                            f'module names, got {modules!r}.')
        self.modules = list(modules)
        self.compile_cfg = dict(compile_cfg or {})

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        names = dict(model.named_modules())
        missing = [m for m in self.modules if m not in names]
        if missing:
            top = [n for n in names if n and '.' not in n]
            raise KeyError(f'CompileModulesHook: the model has no module '
                           f'{missing}; its top-level modules are {top}.')
        for name in self.modules:
            names[name].compile(**self.compile_cfg)

# Copyright (c) mmslkd contributors. All rights reserved.
import logging
import math
from typing import Dict, List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict

from mmslkd.registry import HOOKS


def _is_finite(value) -> bool:
    if isinstance(value, torch.Tensor):
        return bool(torch.isfinite(value.detach()).all())
    if isinstance(value, (list, tuple)):
        return all(_is_finite(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def _network(term: str) -> str:
    """The network a logged loss term belongs to: its first name part
    (``student``, ``slt0``, ``distill``, ``teacher_weighting``), or the
    model itself for an unprefixed term."""
    return term.split('.')[0] if '.' in term else 'model'


def non_finite_tensors(state_dict: Dict) -> List[str]:
    """Names of the floating-point tensors of a state dict that hold NaN or
    Inf.

    Args:
        state_dict (dict): Name -> tensor.

    Returns:
        list[str]: The offending names.
    """
    return [
        name for name, value in state_dict.items()
        if isinstance(value, torch.Tensor) and value.is_floating_point()
        and not bool(torch.isfinite(value).all())
    ]


@HOOKS.register_module()
class NonFiniteGuardHook(Hook):
    """Skip the updates of iterations whose loss is NaN or Inf, stop after
    several in a row, and never write a checkpoint with non-finite weights.

    Every loss term the model returns passes through its ``parse_losses``;
    the hook checks each term there. When one is not finite, it logs which
    term, which network (the term's prefix: ``student``, ``slt0``,
    ``distill``...), the iteration and epoch, and the optimizer steps of the
    iteration are skipped (gradients are still cleared), so the weights stay
    as they were. After ``max_consecutive`` such iterations in a row it stops
    training with an error that says what to try. With separate optimizers
    (SLKD*'s SL-T step, then student step) each step is guarded by the
    losses parsed before it in the iteration.

    Before any checkpoint is written, every floating-point tensor of the
    model's state dict is checked; a non-finite one stops training instead
    (the last good checkpoint stays the newest).

    Args:
        max_consecutive (int): Bad iterations in a row before training
            stops. Defaults to 3.
    """

    priority = 'VERY_HIGH'

    def __init__(self, max_consecutive: int = 3) -> None:
        if not isinstance(max_consecutive, int) or max_consecutive < 1:
            raise ValueError('max_consecutive must be an integer >= 1, got '
                             f'{max_consecutive!r}.')
        self.max_consecutive = max_consecutive
        self.consecutive = 0
        self.skipped_iters: List[int] = []
        self._bad_terms: Dict[str, float] = {}
        self._restore: List = []

    # ----------------------------------------------------------- install
    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        self._install(model, 'parse_losses', self._guard_parse_losses)
        wrappers = runner.optim_wrapper.values() if isinstance(
            runner.optim_wrapper,
            OptimWrapperDict) else [runner.optim_wrapper]
        for wrapper in wrappers:
            if isinstance(wrapper, OptimWrapper):
                self._install(wrapper, 'step', self._guard_step)

    def _install(self, owner, name: str, make) -> None:
        original = getattr(owner, name)
        setattr(owner, name, make(original))
        self._restore.append((owner, name))

    def after_train(self, runner) -> None:
        for owner, name in self._restore:
            delattr(owner, name)  # back to the class's method
        self._restore = []

    def _guard_parse_losses(self, parse_losses):

        def guarded(losses):
            for term, value in losses.items():
                if not _is_finite(value):
                    self._bad_terms[term] = float(
                        value.detach().float().sum()) if isinstance(
                            value, torch.Tensor) else float('nan')
            return parse_losses(losses)

        return guarded

    def _guard_step(self, step):

        def guarded(**kwargs):
            if self._bad_terms:
                return None  # skip the update; update_params still zeroes
            return step(**kwargs)

        return guarded

    # ------------------------------------------------------------ check
    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        self._bad_terms = {}

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not self._bad_terms:
            self.consecutive = 0
            return
        self.consecutive += 1
        self.skipped_iters.append(runner.iter + 1)
        terms = ', '.join(f'{term} = {value} (network: {_network(term)})'
                          for term, value in self._bad_terms.items())
        where = f'iteration {runner.iter + 1} (epoch {runner.epoch + 1})'
        if self.consecutive >= self.max_consecutive:
            raise FloatingPointError(
                f'Non-finite loss at {where}: {terms}; '
                f'{self.consecutive} iterations in a row, so training stops '
                '(the weights are those of the last finite update, and no '
                'checkpoint was written from them). Try a lower learning '
                'rate or a longer warm-up, gradient clipping '
                '(optim_wrapper.clip_grad=dict(max_norm=...)), a smaller '
                'loss weight or temperature for the named term, or check the '
                'data; resume from the last checkpoint with --resume.')
        print_log(
            f'Non-finite loss at {where}: {terms}. The update of this '
            f'iteration was skipped ({self.consecutive}/'
            f'{self.max_consecutive} in a row before training stops).',
            logger='current',
            level=logging.WARNING)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = non_finite_tensors(checkpoint.get('state_dict', {}))
        if bad:
            shown = ', '.join(bad[:5]) + (f' ... ({len(bad)} in all)'
                                          if len(bad) > 5 else '')
            raise FloatingPointError(
                f'Refusing to write a checkpoint at iteration {runner.iter} '
                f'with non-finite weights: {shown}. Training diverged; '
                'resume from the last checkpoint with a lower learning rate '
                'or gradient clipping.')

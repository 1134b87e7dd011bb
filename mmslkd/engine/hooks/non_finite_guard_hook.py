# Copyright (c) mmslkd contributors. All rights reserved.
import logging
import math
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch import nn

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


def non_finite_samples(data_batch) -> Optional[List]:
    """Which samples of a (not yet pre-processed) batch have NaN or Inf
    inputs.

    Args:
        data_batch: The batch as the dataloader gives it, usually a dict
            with ``inputs`` (a tensor, or one tensor per sample) and
            ``data_samples``.

    Returns:
        list | None: The ``sample_idx`` of each offending sample (its
        position in the batch where the sample has none), or None when the
        batch has no floating-point inputs to check.
    """
    if not isinstance(data_batch, dict):
        return None
    inputs = data_batch.get('inputs')
    if isinstance(inputs, torch.Tensor):
        inputs = list(inputs)
    if not isinstance(inputs, (list, tuple)) or not all(
            isinstance(x, torch.Tensor) for x in inputs):
        return None
    if not any(x.is_floating_point() for x in inputs):
        return None  # integer images cannot hold NaN or Inf
    samples = data_batch.get('data_samples') or [None] * len(inputs)
    bad = []
    for position, (x, sample) in enumerate(zip(inputs, samples)):
        if x.is_floating_point() and not bool(torch.isfinite(x).all()):
            meta = getattr(sample, 'metainfo', {}) or {}
            bad.append(meta.get('sample_idx', position))
    return bad


@HOOKS.register_module()
class NonFiniteGuardHook(Hook):
    """Skip iterations whose loss is NaN or Inf without a trace, stop after
    several in a row, and never write a checkpoint with non-finite weights.

    Every loss term the model returns passes through its ``parse_losses``;
    the hook checks each term there. When one is not finite, the iteration
    is skipped:

    - its optimizer steps are not taken (gradients are still cleared), so
      the weights and optimizer state stay as they were;
    - every buffer of the model is put back as it was before the iteration:
      the forward pass on the bad batch has already written its BatchNorm
      running statistics (``running_mean``, ``running_var``,
      ``num_batches_tracked``) and any other running buffer (e.g. class
      centroids), of the student, the SL-Ts and every trainable network
      (teachers in eval mode write none);
    - a warning names the iteration and epoch and why: the batch's inputs
      were not finite (naming the samples), or which loss term, and of
      which network (the term's prefix: ``student``, ``slt0``,
      ``distill``...), was not.

    So a run survives isolated bad batches. After ``max_consecutive``
    skipped iterations in a row it stops with an error that says the run
    diverged (or, when every one of those batches had non-finite inputs,
    that the data is at fault) and what to try.

    With separate optimizers (SLKD*'s SL-T step, then student step) each
    step is guarded by the losses parsed before it in the iteration. With
    several processes the decision to skip a step is taken by all of them
    together (one non-finite loss anywhere poisons the averaged gradients
    everywhere).

    Before any checkpoint is written, every floating-point tensor of the
    model's state dict is checked; a non-finite one stops training instead
    (the last good checkpoint stays the newest).

    Args:
        max_consecutive (int): Bad iterations in a row before training
            stops. Defaults to 3.
    """

    priority = 'VERY_HIGH'

    def __init__(self, max_consecutive: int = 3) -> None:
        if not isinstance(max_consecutive, int) or isinstance(
                max_consecutive, bool) or max_consecutive < 1:
            raise ValueError('max_consecutive must be an integer >= 1, got '
                             f'{max_consecutive!r}.')
        self.max_consecutive = max_consecutive
        self.consecutive = 0
        self.skipped_iters: List[int] = []
        self._bad_terms: Dict[str, float] = {}
        self._elsewhere = False  # another process's loss was not finite
        self._bad_samples: List[Optional[List]] = []  # of the current run
        self._restore: List = []
        self._modules: List[nn.Module] = []
        self._saved_names: List[Tuple[nn.Module, str]] = []
        self._saved: List[torch.Tensor] = []

    # ----------------------------------------------------------- install
    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        self._modules = list(model.modules())
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
        self._modules, self._saved_names, self._saved = [], [], []

    def _guard_parse_losses(self, parse_losses):

        def guarded(losses):
            for term, value in losses.items():
                if not _is_finite(value):
                    self._bad_terms[term] = float(
                        value.detach().float().sum()) if isinstance(
                            value, torch.Tensor) else float('nan')
            return parse_losses(losses)

        return guarded

    def _skip_step(self) -> bool:
        bad = bool(self._bad_terms)
        if get_world_size() > 1:
            # the gradients are averaged: every process skips, or none
            flag = torch.tensor(float(bad))
            all_reduce(flag, op='max')
            if bool(flag > 0) and not bad:
                self._elsewhere = True
            bad = bool(flag > 0)
        return bad

    def _guard_step(self, step):

        def guarded(**kwargs):
            if self._skip_step():
                return None  # skip the update; update_params still zeroes
            return step(**kwargs)

        return guarded

    # --------------------------------------------------- buffer snapshot
    def _snapshot_buffers(self) -> None:
        """Copy every buffer of the model (one fused copy when the buffers
        are those of the last snapshot)."""
        names, tensors = [], []
        for module in self._modules:
            for name, tensor in module._buffers.items():
                if tensor is not None:
                    names.append((module, name))
                    tensors.append(tensor)
        same = len(tensors) == len(self._saved) and all(
            a.shape == b.shape and a.dtype == b.dtype and a.device == b.device
            for a, b in zip(tensors, self._saved))
        with torch.no_grad():
            if same and tensors:
                torch._foreach_copy_(self._saved, tensors)
            else:
                self._saved = [t.detach().clone() for t in tensors]
        self._saved_names = names

    def _restore_buffers(self) -> None:
        with torch.no_grad():
            for (module, name), saved in zip(self._saved_names, self._saved):
                current = module._buffers.get(name)
                if current is None or current.shape != saved.shape:
                    module._buffers[name] = saved.clone()
                else:
                    current.copy_(saved)

    # ------------------------------------------------------------ check
    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        self._bad_terms = {}
        self._elsewhere = False
        self._snapshot_buffers()

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not self._bad_terms and not self._elsewhere:
            self.consecutive = 0
            self._bad_samples = []
            return
        self._restore_buffers()
        self.consecutive += 1
        self.skipped_iters.append(runner.iter + 1)
        where = f'iteration {runner.iter + 1} (epoch {runner.epoch + 1})'
        samples = non_finite_samples(data_batch)
        self._bad_samples.append(samples)
        if self._bad_terms:
            terms = ', '.join(f'{term} = {value} (network: {_network(term)})'
                              for term, value in self._bad_terms.items())
        else:
            terms = ('the loss of another process (this one was finite; '
                     'see that process\'s log)')
        why = (f'the inputs of this batch are not finite (NaN/Inf in '
               f'samples {samples[:8]}), so neither are the losses'
               if samples else 'the loss is not finite with finite inputs')
        if self.consecutive >= self.max_consecutive:
            first = runner.iter + 2 - self.consecutive
            if all(self._bad_samples):
                cause = (
                    f'The inputs of all {self.consecutive} batches were '
                    'not finite (samples '
                    f'{[s[:4] for s in self._bad_samples]}): the data is at '
                    'fault, not the training. Fix or remove those samples '
                    'first: resuming replays the same batches in the same '
                    'order (it is fixed by the seed and the epoch).')
            else:
                cause = (
                    'The run diverged. Try a lower learning rate or a longer '
                    'warm-up, gradient clipping '
                    '(optim_wrapper.clip_grad=dict(max_norm=...)), a smaller '
                    'loss weight or temperature for the named term, or check '
                    'the data; then resume from the last checkpoint with '
                    '--resume (with unchanged settings it replays the same '
                    'batches and diverges again).')
            raise FloatingPointError(
                f'Non-finite loss at {where}: {terms}; {self.consecutive} '
                f'iterations in a row (iterations {first}-{runner.iter + 1}) '
                'were skipped, so training stops (the weights are those of '
                'the last finite update, and no checkpoint was written from '
                f'them). {cause}')
        print_log(
            f'Non-finite loss at {where}: {terms}. Skipped this iteration: '
            f'{why}. Its optimizer steps were not taken and the buffers it '
            'changed (BatchNorm running statistics and counters) were '
            f'restored ({self.consecutive}/{self.max_consecutive} in a row '
            'before training stops as diverged).',
            logger='current',
            level=logging.WARNING)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = non_finite_tensors(checkpoint.get('state_dict', {}))
        if bad:
            shown = ', '.join(bad[:5]) + (f' ... ({len(bad)} in all)'
                                          if len(bad) > 5 else '')
            raise FloatingPointError(
                f'Refusing to write a checkpoint at iteration {runner.iter} '
                f'with non-finite weights: {shown}. Training diverged (a '
                'finite loss gave non-finite gradients or updates); resume '
                'from the last checkpoint with a lower learning rate or '
                'gradient clipping (optim_wrapper.clip_grad=dict('
                'max_norm=...)).')

# Copyright (c) mmslkd contributors. All rights reserved.
"""Distillation from several frozen teachers with per-instance weights
(AMTML-KD, EBKD, CA-MKD, the averaged baseline...)."""
import contextlib
import copy
import inspect
from collections import OrderedDict
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms.base import BaseAlgorithm
from mmrazor.models.utils import add_prefix
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils import load_teacher_checkpoint
from mmslkd.utils.validation import (is_random_teacher,
                                     require_teacher_checkpoint)
from ..utils.precision import (clone_inference_tensors, float32_losses,
                               teacher_context)

LossDict = Dict[str, torch.Tensor]


def _unwrap(module: nn.Module) -> nn.Module:
    return module.module if is_model_wrapper(module) else module


@MODELS.register_module()
class MultiTeacherDistill(BaseAlgorithm):
    """Knowledge distillation from K >= 1 frozen, named teachers.

    One iteration: every teacher runs (eval mode, no gradient) with its
    recorders, the student runs with its own loss and recorders, the
    ``teacher_weighting`` rule turns recorded tensors into per-instance
    weights (B, K) that sum to 1 over teachers, and the distiller computes
    every mapped loss (losses that take ``teacher_weights`` get them). With
    one teacher, uniform weights and ``MultiTeacherKDLoss`` the losses equal
    MMRazor's ``SingleTeacherDistill`` with ``KLDivergence``.

    Logged besides the losses: ``teacher_weight.<name>`` (the batch mean of
    each teacher's weight) and ``teacher_weight_entropy`` (the batch mean of
    the weights' entropy), so the log shows which teacher the student
    listens to.

    A single ``OptimWrapper`` steps everything after one backward. An
    ``OptimWrapperDict`` (MMRazor's ``SeparateOptimWrapperConstructor``, e.g.
    keys ``architecture``, ``distiller``, ``teacher_weighting``) gives
    networks their own optimizers and schedules; it is stepped after the same
    single backward (plain ``OptimWrapper`` members only), and with several
    processes needs ``MMSeparateDistributedDataParallel``.

    Args:
        architecture (dict | BaseModel): The student classifier.
        teachers (dict): ``{name: dict(model=cfg_or_module, ckpt=path)}``;
            ``model`` may be ``dict(cfg_path='mmslkd::...')``; ``ckpt`` is
            loaded strictly, and required when ``model`` is a config
            (``'random'`` opts in to a randomly initialised teacher
            explicitly). Names are used in logs and record mappings.
        distiller (dict): A :class:`MultiTeacherDistiller` config.
        teacher_weighting (dict, optional): A teacher-weighting rule;
            ``num_teachers`` (and ``in_channels``, when the rule takes it, as
            the student head's input width) are filled in. Defaults to
            uniform. None: no weighting at all, for methods whose teachers
            play different roles (the two-teacher framework); weighted
            losses then get None (uniform) and no weights are logged.
        calculate_student_loss (bool): Add the student's own loss (its
            head's). Defaults to True.
        teacher_inference_mode (bool): Run the teachers under
            ``torch.inference_mode`` (no autograd state at all) instead of
            ``torch.no_grad``; their records are cloned out of it. Defaults
            to True.
        data_preprocessor (dict, optional): Data pre-processor config.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 architecture: Union[dict, BaseModel],
                 teachers: Dict[str, dict],
                 distiller: dict,
                 teacher_weighting: Optional[dict] = dict(
                     type='UniformTeacherWeighting'),
                 calculate_student_loss: bool = True,
                 teacher_inference_mode: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(architecture, data_preprocessor, init_cfg)
        if not teachers:
            raise ValueError('MultiTeacherDistill needs at least one teacher.')
        self.teachers = nn.ModuleDict()
        for name, spec in teachers.items():
            self.teachers[name] = self._build_teacher(name, spec)
        self._check_classes()
        self.calculate_student_loss = calculate_student_loss
        self.teacher_inference_mode = teacher_inference_mode
        self.teacher_weighting = None if teacher_weighting is None else \
            self._build_weighting(teacher_weighting)
        self.distiller = MODELS.build(distiller)
        self.distiller.prepare(self.student, dict(self.teachers))
        # fail now, not in the first iteration, if inputs are not mapped
        missing = [
            n for n in getattr(self.teacher_weighting, 'input_names', ())
            if n not in self.distiller.weighting_inputs
        ]
        if missing:
            raise KeyError(
                f'{type(self.teacher_weighting).__name__} takes '
                f'{list(self.teacher_weighting.input_names)}, but the '
                f'distiller\'s weighting_inputs map no {missing}.')

    # ------------------------------------------------------------------ setup
    @property
    def student(self) -> nn.Module:
        """The student (MMRazor's ``architecture``)."""
        return self.architecture

    @staticmethod
    def _build_teacher(name: str, spec: dict) -> nn.Module:
        if not name.isidentifier():
            raise ValueError(f'Teacher names must be identifiers (they name '
                             f'modules and logs), got {name!r}.')
        if not isinstance(spec, dict) or 'model' not in spec:
            raise TypeError(f'teachers[{name!r}] must be dict(model=..., '
                            f'ckpt=...), got {spec!r}.')
        unknown = set(spec) - {'model', 'ckpt'}
        if unknown:
            raise KeyError(f'teachers[{name!r}] has unknown keys '
                           f'{sorted(unknown)}; it takes model and ckpt.')
        model = spec['model']
        if not isinstance(model, nn.Module):
            require_teacher_checkpoint(
                spec.get('ckpt'), f'model.teachers.{name}.ckpt',
                'MultiTeacherDistill')
        teacher = model if isinstance(model, nn.Module) else MODELS.build(
            copy.deepcopy(model))
        if spec.get('ckpt') and not is_random_teacher(spec['ckpt']):
            load_teacher_checkpoint(
                teacher, spec['ckpt'], role=f'teacher {name!r}')
            teacher._is_init = True  # keep the loaded weights
        teacher.requires_grad_(False)
        return teacher

    def _check_classes(self) -> None:
        counts = {'student (architecture)': self.student}
        counts.update({f'teacher {n!r}': t for n, t in self.teachers.items()})
        counts = {
            name: getattr(getattr(net, 'head', None), 'num_classes', None)
            for name, net in counts.items()
        }
        if len(set(counts.values())) != 1 or None in counts.values():
            listing = ', '.join(f'{k}: {v}' for k, v in counts.items())
            raise ValueError(
                f'Class-count mismatch between networks ({listing}). Every '
                'teacher must predict the student\'s classes: set '
                'head.num_classes and use matching checkpoints.')

    def _build_weighting(self, cfg: dict) -> nn.Module:
        cfg = dict(copy.deepcopy(cfg))
        cfg.setdefault('num_teachers', len(self.teachers))
        if cfg['num_teachers'] != len(self.teachers):
            raise ValueError(
                f'teacher_weighting.num_teachers = {cfg["num_teachers"]}, but '
                f'there are {len(self.teachers)} teachers '
                f'({list(self.teachers)}). Two teachers with the same name in '
                'a dict literal keep only the last one: give every teacher '
                'its own name (or drop num_teachers; the algorithm fills it '
                'in).')
        rule = MODELS.get(cfg['type']) if isinstance(cfg.get('type'),
                                                     str) else cfg['type']
        if rule is None:
            from mmslkd.models.teacher_weighting import __all__ as rules
            known = [r for r in rules if r.endswith('Weighting')]
            raise KeyError(
                f'Unknown teacher weighting {cfg["type"]!r}: it is not '
                f'registered. mmslkd has {known}; register your own rule '
                'with @MODELS.register_module() and import it '
                '(custom_imports).')
        if 'in_channels' in inspect.signature(rule).parameters:
            cfg.setdefault('in_channels', self.student.head.in_channels)
        return MODELS.build(cfg)

    def train(self, mode: bool = True) -> 'MultiTeacherDistill':
        """Set the mode; teachers always stay in eval mode."""
        super().train(mode)
        self.teachers.eval()
        return self

    # ------------------------------------------------------------ training
    def loss(self, batch_inputs: torch.Tensor,
             data_samples: List[BaseDataElement]) -> LossDict:
        """All loss terms of one iteration, plus teacher-weight statistics.

        Args:
            batch_inputs (Tensor): Pre-processed images.
            data_samples (list[DataSample]): Their labels.

        Returns:
            dict[str, Tensor]: ``student.*``, ``distill.*``,
            ``teacher_weighting.*`` losses and the weight statistics.
        """
        distiller = _unwrap(self.distiller)
        self._record_teachers(batch_inputs)
        losses = OrderedDict()
        with distiller.student_recorders:
            if self.calculate_student_loss:
                student_losses = self.student(
                    batch_inputs, data_samples, mode='loss')
                losses.update(add_prefix(student_losses, 'student'))
            else:
                self.student(batch_inputs, mode='tensor')

        # under AMP the records are cast and the losses computed in float32
        with float32_losses(batch_inputs.device.type):
            if self.teacher_weighting is None:
                losses.update(add_prefix(self.distiller(), 'distill'))
                return losses
            weights, regularization = self._teacher_weights()
            losses.update(add_prefix(regularization, 'teacher_weighting'))
            losses.update(add_prefix(self.distiller(weights), 'distill'))
            losses.update(self._weight_statistics(weights))
        return losses

    def _record_teachers(self, batch_inputs: torch.Tensor) -> None:
        distiller = _unwrap(self.distiller)
        for name, teacher in self.teachers.items():
            manager = distiller.teacher_recorders[name]
            with manager, teacher_context(self.teacher_inference_mode):
                teacher(batch_inputs, mode='tensor')
            if self.teacher_inference_mode:
                for recorder in manager.recorders.values():
                    recorder._data_buffer = clone_inference_tensors(
                        recorder._data_buffer)

    def _teacher_weights(self):
        """(B, K) weights and the rule's regularisation, from the records
        of the current forward."""
        rule = _unwrap(self.teacher_weighting)
        inputs = _unwrap(self.distiller).get_weighting_inputs(rule.input_names)
        return self.teacher_weighting(**inputs)

    def _weight_statistics(self, weights: torch.Tensor) -> LossDict:
        with torch.no_grad():
            stats = OrderedDict((f'teacher_weight.{name}', weights[:,
                                                                   k].mean())
                                for k, name in enumerate(self.teachers))
            entropy = -torch.xlogy(weights, weights).sum(1)
            stats['teacher_weight_entropy'] = entropy.mean()
        return stats

    def train_step(
        self, data: Union[dict, tuple,
                          list], optim_wrapper: Union[OptimWrapper,
                                                      OptimWrapperDict]
    ) -> Dict[str, torch.Tensor]:
        """One backward; one step of the wrapper, or of each wrapper of an
        ``OptimWrapperDict``.

        Args:
            data (dict | tuple | list): A batch from the dataloader.
            optim_wrapper (OptimWrapper | OptimWrapperDict): The wrapper(s).

        Returns:
            dict[str, Tensor]: Values to log.
        """
        if not isinstance(optim_wrapper, OptimWrapperDict):
            return super().train_step(data, optim_wrapper)
        wrappers = list(optim_wrapper.values())
        for wrapper in wrappers:
            if type(wrapper) is not OptimWrapper or \
                    wrapper._accumulative_counts != 1:
                raise NotImplementedError(
                    'MultiTeacherDistill steps an OptimWrapperDict after '
                    'one backward, which works for plain OptimWrappers '
                    'without gradient accumulation; use one OptimWrapper '
                    'for AMP or accumulation.')
        with contextlib.ExitStack() as stack:
            for wrapper in wrappers:
                stack.enter_context(wrapper.optim_context(self))
            data = self.data_preprocessor(data, True)
            losses = self._run_forward(data, mode='loss')
        loss, log_vars = self.parse_losses(losses)
        loss.backward()
        for wrapper in wrappers:
            wrapper.step()
            wrapper.zero_grad()
        return log_vars

    # ------------------------------------------------------------ validation
    @torch.no_grad()
    def predict_teacher_weights(self,
                                batch_inputs: torch.Tensor) -> torch.Tensor:
        """The per-instance teacher weights the rule gives these images
        (for analysis: ``tools/analysis_tools/teacher_weight_report.py``).

        Args:
            batch_inputs (Tensor): Pre-processed images.

        Returns:
            Tensor: (B, K) weights, in the order of ``teachers``.
        """
        if self.teacher_weighting is None:
            raise ValueError('This MultiTeacherDistill has no teacher '
                             'weighting (teacher_weighting=None).')
        distiller = _unwrap(self.distiller)
        self._record_teachers(batch_inputs)
        with distiller.student_recorders:
            self.student(batch_inputs, mode='tensor')
        return self._teacher_weights()[0]

    @torch.no_grad()
    def predict_logits(self,
                       inputs: torch.Tensor,
                       with_teacher: bool = True) -> Dict[str, torch.Tensor]:
        """Logits of the student and (optionally) each teacher.

        Args:
            inputs (Tensor): Pre-processed images.
            with_teacher (bool): Also run the (fixed) teachers.

        Returns:
            dict[str, Tensor]: ``student`` and ``teacher.<name>``.
        """
        logits = OrderedDict(student=self.student(inputs, mode='tensor'))
        if with_teacher:
            for name, teacher in self.teachers.items():
                logits[f'teacher.{name}'] = teacher(inputs, mode='tensor')
        return logits

# Copyright (c) mmslkd contributors. All rights reserved.
"""SLKD: knowledge distillation with self-learning teachers.

Liu, Li and Cheng, "Improving Knowledge Distillation via Transferring
Learning Ability" (arXiv 2304.11923), implemented as the official code
(github.com/BrilliantCheng/SLKD, ``mdistiller/distillers/TECH_KD.py`` and
``mdistiller/engine/trainer.py``) does it; see spec slkd.md sections 0-5.
"""
import copy
import inspect
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms.base import BaseAlgorithm
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils import load_teacher_checkpoint
from mmslkd.utils.validation import (check_loss_options, check_number,
                                     check_weights, is_random_teacher,
                                     require_teacher_checkpoint)
from ..utils.precision import (clone_inference_tensors, float32_losses,
                               teacher_context, to_float32)

LossDict = Dict[str, torch.Tensor]


def _unwrap(module: nn.Module) -> nn.Module:
    return module.module if is_model_wrapper(module) else module


def build_distill_loss(cfg: Union[dict, nn.Module]) -> nn.Module:
    """Build a distillation loss and note whether it takes the labels.

    Args:
        cfg (dict | nn.Module): Its config, or the built loss.

    Returns:
        nn.Module: The loss; ``_mmslkd_takes_labels`` is True when its
        ``forward`` has ``gt_labels`` (e.g. DKD).
    """
    loss = cfg if isinstance(cfg, nn.Module) else MODELS.build(
        copy.deepcopy(cfg))
    params = inspect.signature(loss.forward).parameters
    loss._mmslkd_takes_labels = 'gt_labels' in params
    return loss


def cross_entropy(network: nn.Module, logits: torch.Tensor,
                  targets: torch.Tensor) -> torch.Tensor:
    """The network's own classification loss (its head's loss module)."""
    return _unwrap(network).head.loss_module(
        logits, targets, avg_factor=logits.size(0))


def distill(loss: nn.Module, learner: torch.Tensor, target: torch.Tensor,
            labels: torch.Tensor) -> torch.Tensor:
    """A loss built by :func:`build_distill_loss`, given the labels if it
    takes them."""
    if loss._mmslkd_takes_labels:
        return loss(learner, target, labels)
    return loss(learner, target)


def student_losses(model: nn.Module, student_logits: torch.Tensor,
                   teacher_logits: torch.Tensor,
                   fused_logits: Optional[torch.Tensor],
                   targets: torch.Tensor) -> LossDict:
    """SLKD's student terms, given the fused target (official
    ``TECH_KD.forward_train``)::

        w_ce CE + w_kd KD(s <- t) + P (w_ce_cs CE + w_kd_cs KD(s <- z_c))

    Shared by :class:`SelfLearningTeacherDistill` (``z_c`` from the SL-Ts
    trained alongside) and ``TrajectoryDistill`` (``z_c`` replayed).

    Args:
        model (nn.Module): The algorithm: its ``student``, ``teacher_loss``,
            ``fused_loss`` and the five weights ``ce_weight``,
            ``kd_weight``, ``process_weight``, ``ce_weight_cs`` and
            ``kd_weight_cs``.
        student_logits (Tensor): (B, C).
        teacher_logits (Tensor): (B, C).
        fused_logits (Tensor, optional): ``z_c``, (B, C); only read when
            ``process_weight * kd_weight_cs > 0``.
        targets (Tensor): Labels (B, ) or soft targets (B, C).

    Returns:
        dict[str, Tensor]: ``student.loss_ce``, ``student.loss_kd``,
        ``student.loss_ce_cs``, ``student.loss_kd_cs`` (non-zero weights
        only).
    """
    losses = OrderedDict()
    use_cs = model.process_weight > 0
    if model.ce_weight > 0 or (use_cs and model.ce_weight_cs > 0):
        ce = cross_entropy(model.student, student_logits, targets)
        if model.ce_weight > 0:
            losses['student.loss_ce'] = model.ce_weight * ce
        if use_cs and model.ce_weight_cs > 0:
            losses['student.loss_ce_cs'] = (
                model.process_weight * model.ce_weight_cs * ce)
    if model.kd_weight > 0:
        losses['student.loss_kd'] = model.kd_weight * distill(
            model.teacher_loss, student_logits, teacher_logits, targets)
    if use_cs and model.kd_weight_cs > 0:
        losses['student.loss_kd_cs'] = (
            model.process_weight * model.kd_weight_cs *
            distill(model.fused_loss, student_logits, fused_logits, targets))
    return losses


@MODELS.register_module()
class SelfLearningTeacherDistill(BaseAlgorithm):
    """Distillation from a frozen teacher and online self-learning teachers.

    Self-learning teachers (SL-Ts) are untrained networks, by default of the
    teacher's architecture, each independently initialised. In every
    iteration, on the same augmented batch, each SL-T learns from the frozen
    teacher while the student learns from the teacher and from the fused
    SL-T logits ``z_c = sum_i lambda_i z_i``. With the official weights
    (CIFAR: ``T = 4``)::

        student: w_ce CE + w_kd KD(s <- t)
                 + P (w_ce_cs CE + w_kd_cs KD(s <- z_c))
        SL-T i:  w_ce CE + w_kd KD(c_i <- t)

    where KD is ``T^2`` times the batch mean of the per-sample KL divergence
    (MMRazor's ``KLDivergence`` with ``reduction='batchmean'``). The official
    terms ``loss_ce``, ``loss_kd``, ``loss_kd_tc`` and ``loss_kd_cs`` are
    logged at a finer grain: ``student.loss_ce``, ``student.loss_kd``,
    ``student.loss_ce_cs`` + ``student.loss_kd_cs`` (= ``loss_kd_cs``) and
    ``slt{i}.loss_ce`` + ``slt{i}.loss_kd`` (summed = ``loss_kd_tc``). Terms
    whose weight is 0 are not computed. Each term's loss module is a config,
    so e.g. ``teacher_loss=dict(type='DKDLoss', ...)`` puts the SL-T term on
    top of DKD; a loss whose ``forward`` takes ``gt_labels`` receives them.

    Training modes:

    - ``'parallel'`` (official): one backward of the sum of all terms and
      one step of a single optimizer over student and SL-Ts. With
      ``detach_fused_target=False`` (official) the student's
      ``KD(s <- z_c)`` term also reaches the SL-Ts: they are pulled towards
      the student as well as taught by the teacher.
    - ``'sequential'`` (the paper's SLKD*, the official code's commented-out
      alternative trainer): each iteration first steps the SL-Ts on their
      own loss, then recomputes them (no gradient; ``detach_fused_target``
      is moot) and steps the student.
    - ``'two_stage'``: the SL-Ts alone learn for
      ``self_learning_teacher_epochs`` epochs, then they are frozen (eval
      mode) and the student learns from the teacher and them.

    Sequential and two-stage modes need an ``OptimWrapperDict`` with keys
    ``architecture`` and ``self_learning_teachers`` (MMRazor's
    ``SeparateOptimWrapperConstructor``; give each its own schedule for two
    stages) and, with several processes, ``MMSeparateDistributedDataParallel``.

    Args:
        architecture (dict | BaseModel): The student classifier.
        teacher (dict | BaseModel): The pre-trained teacher classifier; it
            stays in eval mode and never receives gradient.
        teacher_ckpt (str, optional): Teacher checkpoint, loaded strictly.
            Required when ``teacher`` is a config; ``'random'`` opts in to a
            randomly initialised teacher explicitly (tests, benchmarks).
            May be None when ``teacher`` is a built module (its weights are
            the caller's).
        self_learning_teacher (dict, optional): Config of one SL-T. Defaults
            to the teacher's config (the official choice).
        num_self_learning_teachers (int): Number of SL-Ts, >= 1. Defaults to
            2 (official).
        fusion_weights (Sequence[float], optional): ``lambda_i`` of the
            logit fusion; non-negative and summing to 1. Defaults to equal
            weights (official: 0.5, 0.5).
        detach_fused_target (bool): Stop the gradient of the student's
            ``KD(s <- z_c)`` term at the SL-Ts. Defaults to False (official:
            not detached).
        teacher_loss (dict): Loss of the student towards the teacher.
            Defaults to KD with ``T = 4``.
        self_learning_teacher_loss (dict, optional): Loss of each SL-T towards
            the teacher. Defaults to a copy of ``teacher_loss``.
        fused_loss (dict): Loss of the student towards the fused SL-Ts.
            Defaults to KD with ``T = 4``.
        ce_weight (float): ``w_ce`` of the student. Defaults to 0.1.
        kd_weight (float): ``w_kd`` of the student. Defaults to 0.9.
        process_weight (float): ``P``. Defaults to 1.0.
        ce_weight_cs (float): ``w_ce_cs``. Defaults to 1.0.
        kd_weight_cs (float): ``w_kd_cs``. Defaults to 1.0.
        self_learning_teacher_ce_weight (float, optional): ``w_ce`` of the
            SL-Ts. Defaults to ``ce_weight`` (official: shared).
        self_learning_teacher_kd_weight (float, optional): ``w_kd`` of the
            SL-Ts. Defaults to ``kd_weight`` (official: shared).
        training_mode (str): ``'parallel'``, ``'sequential'`` or
            ``'two_stage'``. Defaults to ``'parallel'``.
        self_learning_teacher_epochs (int, optional): Length of the first
            stage in ``'two_stage'`` mode.
        ensemble (dict): Config of the module that runs the SL-Ts. Defaults
            to ``dict(type='ClassifierEnsemble')`` (one pass per SL-T);
            ``dict(type='BatchedClassifierEnsemble')`` runs them as one
            vectorised pass.
        teacher_inference_mode (bool): Run the teacher under
            ``torch.inference_mode`` (no autograd state at all) instead of
            ``torch.no_grad``. Defaults to True.
        data_preprocessor (dict, optional): Data pre-processor config.
        init_cfg (dict, optional): Initialisation config.
    """

    training_modes = ('parallel', 'sequential', 'two_stage')
    # Table 7 ablations are weight settings of these terms alone.
    _weight_names = ('ce_weight', 'kd_weight', 'process_weight',
                     'ce_weight_cs', 'kd_weight_cs',
                     'self_learning_teacher_ce_weight',
                     'self_learning_teacher_kd_weight')

    def __init__(self,
                 architecture: Union[dict, BaseModel],
                 teacher: Union[dict, BaseModel],
                 teacher_ckpt: Optional[str] = None,
                 self_learning_teacher: Optional[dict] = None,
                 num_self_learning_teachers: int = 2,
                 fusion_weights: Optional[Sequence[float]] = None,
                 detach_fused_target: bool = False,
                 teacher_loss: dict = dict(type='KLDivergence', tau=4),
                 self_learning_teacher_loss: Optional[dict] = None,
                 fused_loss: dict = dict(type='KLDivergence', tau=4),
                 ce_weight: float = 0.1,
                 kd_weight: float = 0.9,
                 process_weight: float = 1.0,
                 ce_weight_cs: float = 1.0,
                 kd_weight_cs: float = 1.0,
                 self_learning_teacher_ce_weight: Optional[float] = None,
                 self_learning_teacher_kd_weight: Optional[float] = None,
                 training_mode: str = 'parallel',
                 self_learning_teacher_epochs: Optional[int] = None,
                 ensemble: dict = dict(type='ClassifierEnsemble'),
                 teacher_inference_mode: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(architecture, data_preprocessor, init_cfg)
        self._check_mode(training_mode, self_learning_teacher_epochs)
        self.training_mode = training_mode
        self.self_learning_teacher_epochs = self_learning_teacher_epochs

        # the frozen, pre-trained teacher
        if self_learning_teacher is None:
            if not isinstance(teacher, dict):
                raise TypeError(
                    'self_learning_teacher must be given as a config when '
                    'the teacher is a built module (the default copies the '
                    "teacher's config).")
            self_learning_teacher = copy.deepcopy(teacher)
        if not isinstance(teacher, nn.Module):
            require_teacher_checkpoint(teacher_ckpt, 'model.teacher_ckpt',
                                       type(self).__name__)
        self.teacher = teacher if isinstance(teacher, nn.Module) else \
            MODELS.build(teacher)
        if teacher_ckpt and not is_random_teacher(teacher_ckpt):
            load_teacher_checkpoint(self.teacher, teacher_ckpt)
            self.teacher._is_init = True  # keep the loaded weights
        self.teacher.requires_grad_(False)
        self.teacher_inference_mode = teacher_inference_mode

        # the self-learning teachers, built (and initialised) independently
        if not isinstance(num_self_learning_teachers, int) or \
                num_self_learning_teachers < 1:
            raise ValueError('num_self_learning_teachers must be an integer '
                             f'>= 1, got {num_self_learning_teachers!r}.')
        self.self_learning_teachers = MODELS.build(
            dict(
                ensemble,
                networks=[self_learning_teacher] * num_self_learning_teachers))
        self.register_buffer(
            'fusion_weights',
            self._check_fusion_weights(fusion_weights,
                                       num_self_learning_teachers),
            persistent=False)
        self.detach_fused_target = detach_fused_target

        # losses and their weights (official names)
        self.teacher_loss = build_distill_loss(teacher_loss)
        self.self_learning_teacher_loss = build_distill_loss(
            self_learning_teacher_loss or teacher_loss)
        self.fused_loss = build_distill_loss(fused_loss)
        for name in ('teacher_loss', 'self_learning_teacher_loss',
                     'fused_loss'):
            loss = getattr(self, name)
            check_loss_options(
                loss, f'{type(self).__name__} {name} ({type(loss).__name__})')
        if hasattr(self.fused_loss, 'teacher_detach'):
            # detaching the fused target is ``detach_fused_target``'s job
            self.fused_loss.teacher_detach = False
        self.ce_weight = ce_weight
        self.kd_weight = kd_weight
        self.process_weight = process_weight
        self.ce_weight_cs = ce_weight_cs
        self.kd_weight_cs = kd_weight_cs
        self.self_learning_teacher_ce_weight = (
            ce_weight if self_learning_teacher_ce_weight is None else
            self_learning_teacher_ce_weight)
        self.self_learning_teacher_kd_weight = (
            kd_weight if self_learning_teacher_kd_weight is None else
            self_learning_teacher_kd_weight)
        for name in self._weight_names:
            # finite first: nan > 0 is False and would drop the term
            check_number(
                name, getattr(self, name), type(self).__name__,
                non_negative=True)
        self._check_networks()

    # ------------------------------------------------------------------ setup
    @property
    def student(self) -> nn.Module:
        """The student (MMRazor's ``architecture``)."""
        return self.architecture

    def _check_mode(self, mode: str, stage_epochs: Optional[int]) -> None:
        if mode not in self.training_modes:
            raise ValueError(f'training_mode must be one of '
                             f'{self.training_modes}, got {mode!r}.')
        if (mode == 'two_stage') != (stage_epochs is not None):
            raise ValueError(
                'self_learning_teacher_epochs is required by, and only '
                "used in, training_mode='two_stage'.")
        if stage_epochs is not None:
            check_number(
                'self_learning_teacher_epochs',
                stage_epochs,
                type(self).__name__,
                positive=True,
                integer=True)

    @staticmethod
    def _check_fusion_weights(weights: Optional[Sequence[float]],
                              num: int) -> torch.Tensor:
        if weights is None:
            return torch.full((num, ), 1.0 / num)
        return check_weights(
            'fusion_weights',
            weights,
            'SelfLearningTeacherDistill',
            num=num,
            num_what='SL-Ts',
            sum_to_one=True)

    def _check_networks(self) -> None:
        """Every network must predict the same classes, and the head losses
        must not carry weights of their own (the algorithm's weights do)."""
        networks = [('student (architecture)', self.student),
                    ('teacher', self.teacher)]
        networks += [
            (f'self-learning teacher {i}', net)
            for i, net in enumerate(self.self_learning_teachers.networks)
        ]
        counts = {
            name: getattr(getattr(net, 'head', None), 'num_classes', None)
            for name, net in networks
        }
        if len(set(counts.values())) != 1 or None in counts.values():
            listing = ', '.join(f'{k}: {v}' for k, v in counts.items())
            raise ValueError(
                f'Class-count mismatch between networks ({listing}). Set '
                'head.num_classes of the student, the teacher and '
                'self_learning_teacher to the same value.')
        for name, net in networks[:1] + networks[2:]:
            weight = getattr(net.head.loss_module, 'loss_weight', 1.0)
            if weight != 1.0:
                raise ValueError(
                    f'The head loss of the {name} has loss_weight={weight}; '
                    'SLKD weighs cross-entropy with ce_weight / ce_weight_cs '
                    '/ self_learning_teacher_ce_weight, so keep '
                    'head.loss.loss_weight at 1.0.')

    def train(self, mode: bool = True) -> 'SelfLearningTeacherDistill':
        """Set the mode; the teacher always stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    # ------------------------------------------------------------ the losses
    @staticmethod
    def _targets(data_samples: List[BaseDataElement]) -> torch.Tensor:
        if 'gt_score' in data_samples[0]:
            return torch.stack([s.gt_score for s in data_samples])
        return torch.cat([s.gt_label for s in data_samples])

    def fuse(self, self_learning_teacher_logits: torch.Tensor) -> torch.Tensor:
        """``z_c = sum_i lambda_i z_i``, the official logit-level fusion.

        Args:
            self_learning_teacher_logits (Tensor): Shape (N, B, C).

        Returns:
            Tensor: Shape (B, C).
        """
        weights = self.fusion_weights.to(self_learning_teacher_logits.dtype)
        return torch.einsum('n,nbc->bc', weights, self_learning_teacher_logits)

    def student_losses(self, student_logits: torch.Tensor,
                       teacher_logits: torch.Tensor,
                       self_learning_teacher_logits: torch.Tensor,
                       targets: torch.Tensor) -> LossDict:
        """The student's terms.

        Args:
            student_logits (Tensor): (B, C).
            teacher_logits (Tensor): (B, C).
            self_learning_teacher_logits (Tensor): (N, B, C).
            targets (Tensor): Labels (B, ) or soft targets (B, C).

        Returns:
            dict[str, Tensor]: ``student.loss_ce``, ``student.loss_kd``,
            ``student.loss_ce_cs``, ``student.loss_kd_cs`` (non-zero weights
            only).
        """
        fused = None
        if self.process_weight > 0 and self.kd_weight_cs > 0:
            fused = self.fuse(self_learning_teacher_logits)
            if self.detach_fused_target:
                fused = fused.detach()
        return student_losses(self, student_logits, teacher_logits, fused,
                              targets)

    def self_learning_teacher_losses(
            self, self_learning_teacher_logits: torch.Tensor,
            teacher_logits: torch.Tensor, targets: torch.Tensor) -> LossDict:
        """Each SL-T's terms: it is a KD student of the teacher.

        Args:
            self_learning_teacher_logits (Tensor): (N, B, C).
            teacher_logits (Tensor): (B, C).
            targets (Tensor): Labels (B, ) or soft targets (B, C).

        Returns:
            dict[str, Tensor]: ``slt{i}.loss_ce``, ``slt{i}.loss_kd``.
        """
        losses = OrderedDict()
        networks = _unwrap(self.self_learning_teachers)
        for i, logits in enumerate(self_learning_teacher_logits):
            if self.self_learning_teacher_ce_weight > 0:
                losses[f'slt{i}.loss_ce'] = (
                    self.self_learning_teacher_ce_weight *
                    cross_entropy(networks[i], logits, targets))
            if self.self_learning_teacher_kd_weight > 0:
                losses[f'slt{i}.loss_kd'] = (
                    self.self_learning_teacher_kd_weight *
                    distill(self.self_learning_teacher_loss, logits,
                                  teacher_logits, targets))
        return losses

    # ------------------------------------------------------- training steps
    def _teacher_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        with teacher_context(self.teacher_inference_mode):
            logits = self.teacher(inputs, mode='tensor')
        return clone_inference_tensors(logits)

    def loss(self, batch_inputs: torch.Tensor,
             data_samples: List[BaseDataElement]) -> LossDict:
        """All terms of one parallel-mode iteration (one backward).

        Args:
            batch_inputs (Tensor): Pre-processed images.
            data_samples (list[DataSample]): Their labels.

        Returns:
            dict[str, Tensor]: The weighted loss terms.
        """
        if self.training_mode != 'parallel':
            raise RuntimeError(
                f"training_mode='{self.training_mode}' takes separate "
                'optimizer steps in train_step(); with several processes '
                "use model_wrapper_cfg=dict(type='MMSeparateDistributed"
                "DataParallel'), which calls it.")
        targets = self._targets(data_samples)
        teacher_logits = self._teacher_logits(batch_inputs)
        slt_logits = self.self_learning_teachers(batch_inputs)
        student_logits = self.student(batch_inputs, mode='tensor')
        # under AMP the losses are computed in float32
        with float32_losses(batch_inputs.device.type):
            student_logits, teacher_logits, slt_logits = to_float32(
                (student_logits, teacher_logits, slt_logits))
            losses = self.self_learning_teacher_losses(slt_logits,
                                                       teacher_logits, targets)
            losses.update(
                self.student_losses(student_logits, teacher_logits, slt_logits,
                                    targets))
        return losses

    def train_step(
        self, data: Union[dict, tuple,
                          list], optim_wrapper: Union[OptimWrapper,
                                                      OptimWrapperDict]
    ) -> Dict[str, torch.Tensor]:
        """One iteration.

        Args:
            data (dict | tuple | list): A batch from the dataloader.
            optim_wrapper (OptimWrapper | OptimWrapperDict): One wrapper in
                parallel mode; ``architecture`` and ``self_learning_teachers``
                wrappers in sequential and two-stage modes.

        Returns:
            dict[str, Tensor]: Values to log.
        """
        is_dict = isinstance(optim_wrapper, OptimWrapperDict)
        if self.training_mode == 'parallel':
            if is_dict:
                raise TypeError(
                    "training_mode='parallel' steps all networks with one "
                    'optimizer; use a single optim_wrapper (per-network lr '
                    'and weight decay via paramwise_cfg.custom_keys).')
            return super().train_step(data, optim_wrapper)
        if not is_dict or set(optim_wrapper.keys()) != {
                'architecture', 'self_learning_teachers'
        }:
            raise TypeError(
                f"training_mode='{self.training_mode}' steps the SL-Ts and "
                'the student separately: use optim_wrapper=dict(constructor='
                "'mmrazor.SeparateOptimWrapperConstructor', architecture="
                '..., self_learning_teachers=...).')
        return self._separate_steps(data, optim_wrapper)

    def _stage(self) -> str:
        """Which networks learn now: 'both' (sequential), or in two-stage
        mode 'self_learning_teachers' then 'student'."""
        if self.training_mode == 'sequential':
            return 'both'
        epoch = MessageHub.get_current_instance().get_info('epoch', 0)
        if epoch < self.self_learning_teacher_epochs:
            return 'self_learning_teachers'
        return 'student'

    def _separate_steps(self, data, optim_wrapper: OptimWrapperDict):
        """SL-T step, then student step (sequential); or one of them
        (two-stage)."""
        stage = self._stage()
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        targets = self._targets(data_samples)
        teacher_logits = self._teacher_logits(inputs)
        log_vars = OrderedDict()

        if stage != 'student':
            # the SL-Ts learn from the teacher and take their step
            wrapper = optim_wrapper['self_learning_teachers']
            with wrapper.optim_context(self.self_learning_teachers):
                slt_logits = self.self_learning_teachers(inputs)
            with float32_losses(inputs.device.type):
                losses = self.self_learning_teacher_losses(
                    to_float32(slt_logits), to_float32(teacher_logits),
                    targets)
            loss, log_vars = self.parse_losses(losses)
            wrapper.update_params(loss)
        if stage == 'self_learning_teachers':
            return log_vars

        # the student learns from the teacher and the just-updated SL-Ts
        # (two-stage: from the SL-Ts trained in the first stage, now fixed)
        if stage == 'student':
            self.self_learning_teachers.eval()
        with torch.no_grad():
            slt_logits = self.self_learning_teachers(inputs)
        wrapper = optim_wrapper['architecture']
        with wrapper.optim_context(self.student):
            student_logits = self.student(inputs, mode='tensor')
        with float32_losses(inputs.device.type):
            losses = self.student_losses(
                *to_float32((student_logits, teacher_logits, slt_logits)),
                targets)
        loss, student_vars = self.parse_losses(losses)
        wrapper.update_params(loss)
        if log_vars:
            student_vars['loss'] = student_vars['loss'] + log_vars.pop('loss')
        log_vars.update(student_vars)
        return log_vars

    # ------------------------------------------------------------ validation
    @torch.no_grad()
    def predict_logits(self,
                       inputs: torch.Tensor,
                       with_teacher: bool = True) -> Dict[str, torch.Tensor]:
        """Logits of every network, for validation.

        Args:
            inputs (Tensor): Pre-processed images.
            with_teacher (bool): Also run the (fixed) teacher.

        Returns:
            dict[str, Tensor]: ``student``, ``slt0`` ... ``slt{N-1}``,
            ``slt_fused`` and (optionally) ``teacher``, each (B, C).
        """
        logits = OrderedDict(student=self.student(inputs, mode='tensor'))
        slt_logits = self.self_learning_teachers(inputs)
        for i, slt in enumerate(slt_logits):
            logits[f'slt{i}'] = slt
        logits['slt_fused'] = self.fuse(slt_logits)
        if with_teacher:
            logits['teacher'] = self.teacher(inputs, mode='tensor')
        return logits

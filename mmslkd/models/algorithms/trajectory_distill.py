# Copyright (c) mmslkd contributors. All rights reserved.
"""Distillation from a frozen teacher and a recorded training trajectory.

SLKD (Liu, Li and Cheng, arXiv 2304.11923; official code
github.com/BrilliantCheng/SLKD, ``mdistiller/distillers/TECH_KD.py``)
trains self-learning teachers (SL-Ts) beside every student; the student
uses only their outputs along their trajectory. Here that trajectory is
recorded once per teacher (:class:`~mmslkd.engine.hooks.
TrajectoryRecorderHook`) and replayed by any number of student runs. The
same machinery replays a teacher's own training checkpoints, as in
route-constrained optimisation (Jin et al., "Knowledge Distillation via
Route Constrained Optimization", ICCV 2019). Both are our extensions, not
in either paper's code.
"""
import copy
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms.base import BaseAlgorithm
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils import CheckpointError, load_teacher_checkpoint
from mmslkd.utils.trajectory import Trajectory, TrajectoryError
from mmslkd.utils.validation import (check_loss_options, check_number,
                                     check_weights, is_random_teacher,
                                     require_teacher_checkpoint)
from .self_learning_teacher_distill import (SelfLearningTeacherDistill,
                                            build_distill_loss, student_losses)
from ..utils.precision import (clone_inference_tensors, float32_losses,
                               teacher_context, to_float32)

LossDict = Dict[str, torch.Tensor]


@MODELS.register_module()
class TrajectoryDistill(BaseAlgorithm):
    """Distillation from a frozen teacher and a replayed trajectory.

    In training epoch ``e`` (1-based) the replayed networks hold the
    weights recorded at the end of epoch ``r(e)``, the latest recorded
    epoch ``<= e`` (recording every epoch: ``r(e) = e``; recordings always
    include epoch 0, the initial weights). They run in eval mode under
    ``torch.inference_mode``; their logits are fused as in SLKD,
    ``z_c = sum_i lambda_i z_i``, and the student learns with SLKD's
    terms (CIFAR: ``T = 4``; the same function as SLKD's,
    :func:`~mmslkd.models.algorithms.self_learning_teacher_distill.
    student_losses`, so a teacher loss that takes the labels, such as DKD,
    works here too)::

        student: w_ce CE + w_kd KD(s <- t)
                 + P (w_ce_cs CE + w_kd_cs KD(s <- z_c))

    logged as ``student.loss_ce``, ``student.loss_kd``, ``student.loss_ce_cs``
    and ``student.loss_kd_cs``. Only the student learns.

    Compared with online SLKD (``SelfLearningTeacherDistill``, parallel
    mode): the SL-Ts receive no gradient from the student (as with
    ``detach_fused_target=True``); they change once per recorded epoch, not
    every iteration, to their end-of-epoch weights; and their logits come
    from eval-mode BatchNorm (running statistics), not from the training
    batch's statistics.

    The trajectory is checked before training (``TrajectoryCheckHook``, or
    the first training step): it must belong to this run's teacher (SL-Ts:
    recorded while learning from these teacher weights; a teacher
    trajectory: one of its records equals the teacher), have the replayed
    networks' architecture and the student's class count, be complete and
    cover the run's schedule. Nothing of it is saved in the run's
    checkpoints: a resumed run loads the record of its epoch again.

    Args:
        architecture (dict | BaseModel): The student classifier.
        teacher (dict | BaseModel): The pre-trained teacher classifier.
        trajectory (str): The trajectory folder (``trajectory.json`` and
            ``epoch_*.pth``).
        teacher_ckpt (str, optional): Teacher checkpoint, loaded strictly.
        trajectory_network (dict, optional): Config of one replayed
            network. Defaults to the teacher's config (SLKD's SL-Ts, and a
            teacher's own trajectory, have the teacher's architecture).
        fusion_weights (Sequence[float], optional): ``lambda_i``, one per
            recorded network, non-negative, summing to 1. Defaults to equal
            weights (SLKD: 0.5, 0.5).
        teacher_loss (dict): Loss of the student towards the teacher.
            Defaults to KD with ``T = 4``.
        fused_loss (dict): Loss of the student towards the fused
            trajectory. Defaults to KD with ``T = 4``.
        ce_weight (float): ``w_ce``. Defaults to 0.1.
        kd_weight (float): ``w_kd``. Defaults to 0.9.
        process_weight (float): ``P``. Defaults to 1.0.
        ce_weight_cs (float): ``w_ce_cs``. Defaults to 1.0.
        kd_weight_cs (float): ``w_kd_cs``. Defaults to 1.0.
        strict_schedule (bool): Refuse a trajectory recorded over more
            epochs than this run trains. Defaults to True (a longer
            recorded schedule is always refused).
        teacher_inference_mode (bool): Run the teacher under
            ``torch.inference_mode`` instead of ``torch.no_grad``.
            Defaults to True.
        data_preprocessor (dict, optional): Data pre-processor config.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 architecture: Union[dict, BaseModel],
                 teacher: Union[dict, BaseModel],
                 trajectory: str,
                 teacher_ckpt: Optional[str] = None,
                 trajectory_network: Optional[dict] = None,
                 fusion_weights: Optional[Sequence[float]] = None,
                 teacher_loss: dict = dict(type='KLDivergence', tau=4),
                 fused_loss: dict = dict(type='KLDivergence', tau=4),
                 ce_weight: float = 0.1,
                 kd_weight: float = 0.9,
                 process_weight: float = 1.0,
                 ce_weight_cs: float = 1.0,
                 kd_weight_cs: float = 1.0,
                 strict_schedule: bool = True,
                 teacher_inference_mode: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(architecture, data_preprocessor, init_cfg)
        if not trajectory or not isinstance(trajectory, str):
            raise ValueError(
                'TrajectoryDistill needs model.trajectory, the folder of a '
                f'recorded trajectory; got {trajectory!r}.')
        if trajectory_network is None:
            if not isinstance(teacher, dict):
                raise TypeError(
                    'trajectory_network must be given as a config when the '
                    "teacher is a built module (the default copies the "
                    "teacher's config).")
            trajectory_network = teacher
        self.trajectory_dir = trajectory
        self.trajectory_network = copy.deepcopy(trajectory_network)
        self.strict_schedule = strict_schedule

        # the frozen, pre-trained teacher ('random': an explicitly random
        # one, for tests and benchmarks; it only fits a trajectory recorded
        # with the very same weights)
        if not isinstance(teacher, nn.Module):
            require_teacher_checkpoint(teacher_ckpt, 'model.teacher_ckpt',
                                       type(self).__name__)
        self.teacher = teacher if isinstance(teacher, nn.Module) else \
            MODELS.build(teacher)
        self.teacher_ckpt = teacher_ckpt
        if teacher_ckpt and not is_random_teacher(teacher_ckpt):
            load_teacher_checkpoint(self.teacher, teacher_ckpt)
            self.teacher._is_init = True  # keep the loaded weights
        self.teacher.requires_grad_(False)
        self.teacher_inference_mode = teacher_inference_mode

        # losses and their weights (SLKD's names)
        self.teacher_loss = build_distill_loss(teacher_loss)
        self.fused_loss = build_distill_loss(fused_loss)
        for name in ('teacher_loss', 'fused_loss'):
            loss = getattr(self, name)
            check_loss_options(
                loss, f'{type(self).__name__} {name} ({type(loss).__name__})')
        weights = dict(
            ce_weight=ce_weight,
            kd_weight=kd_weight,
            process_weight=process_weight,
            ce_weight_cs=ce_weight_cs,
            kd_weight_cs=kd_weight_cs)
        for name, value in weights.items():
            # finite first: nan > 0 is False and would drop the term
            check_number(name, value, type(self).__name__, non_negative=True)
            setattr(self, name, float(value))
        weight = getattr(self.student.head.loss_module, 'loss_weight', 1.0)
        if weight != 1.0:
            raise ValueError(
                f'The student head loss has loss_weight={weight}; '
                'TrajectoryDistill weighs cross-entropy with ce_weight / '
                'ce_weight_cs, so keep head.loss.loss_weight at 1.0.')
        if fusion_weights is not None:  # their count: check_trajectory()
            check_weights('fusion_weights', fusion_weights,
                          type(self).__name__, sum_to_one=True)
        self._fusion_weights_cfg = fusion_weights

        # the replayed networks: built by check_trajectory(), loaded per
        # epoch; deliberately not sub-modules (they are not trained, and
        # not saved in the run's checkpoints)
        self._trajectory: Optional[Trajectory] = None
        self._replayed: List[nn.Module] = []
        self._fusion: Optional[torch.Tensor] = None
        self._loaded_epoch: Optional[int] = None

    @property
    def student(self) -> nn.Module:
        """The student (MMRazor's ``architecture``)."""
        return self.architecture

    def train(self, mode: bool = True) -> 'TrajectoryDistill':
        """Set the mode; the teacher always stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    # ----------------------------------------------------- the trajectory
    def check_trajectory(self, max_epochs: Optional[int]) -> None:
        """Read the trajectory and refuse it unless it fits this run.

        Args:
            max_epochs (int, optional): The run's schedule length (None:
                not known, e.g. outside a Runner; not checked).

        Raises:
            TrajectoryError: It belongs to another teacher, architecture,
                class count or a shorter schedule, is incomplete, or lacks
                files; the message names the fix.
        """
        trajectory = Trajectory(self.trajectory_dir)
        network = MODELS.build(copy.deepcopy(self.trajectory_network))
        trajectory.check_networks(network, self.trajectory_network,
                                  self.student.head.num_classes)
        trajectory.check_teacher(self.teacher, self.teacher_ckpt)
        if max_epochs is not None:
            trajectory.check_schedule(max_epochs, self.strict_schedule)
        trajectory.check_files()
        self._fusion = self._check_fusion_weights(self._fusion_weights_cfg,
                                                  trajectory.num_networks)
        networks = [network] + [
            MODELS.build(copy.deepcopy(self.trajectory_network))
            for _ in range(trajectory.num_networks - 1)
        ]
        for net in networks:
            net.eval().requires_grad_(False)
        self._trajectory, self._replayed = trajectory, networks
        self._loaded_epoch = None

    @staticmethod
    def _check_fusion_weights(weights: Optional[Sequence[float]],
                              num: int) -> torch.Tensor:
        if weights is None:
            return torch.full((num, ), 1.0 / num)
        weights = torch.as_tensor(weights, dtype=torch.float32).flatten()
        if weights.numel() != num:
            raise TrajectoryError(
                f'fusion_weights has {weights.numel()} values, but the '
                f'trajectory holds {num} networks; give one weight each.')
        return weights

    def replayed_networks(self, epoch: int) -> List[nn.Module]:
        """The replayed networks of training epoch ``epoch`` (1-based),
        holding the weights of record ``r(epoch)``.

        Args:
            epoch (int): 1-based training epoch.

        Returns:
            list[nn.Module]: The networks, in eval mode, on the student's
            device.
        """
        if self._trajectory is None:
            max_epochs = MessageHub.get_current_instance().get_info(
                'max_epochs')
            self.check_trajectory(max_epochs)
        record = self._trajectory.record_for(epoch)
        if record != self._loaded_epoch:
            device = next(self.student.parameters()).device
            for net, state_dict in zip(self._replayed,
                                       self._trajectory.load(record)):
                try:
                    net.load_state_dict(state_dict, strict=True)
                except RuntimeError as err:
                    raise CheckpointError(
                        f'Record {record} of {self.trajectory_dir!r} does '
                        f'not fit the replayed network: {err}. Record the '
                        'trajectory again.') from err
                net.to(device)
            self._loaded_epoch = record
        return self._replayed

    @property
    def replayed_epoch(self) -> Optional[int]:
        """The recorded epoch whose weights the replayed networks hold."""
        return self._loaded_epoch

    # ------------------------------------------------------------ forward
    # labels or soft targets of a batch, read as SLKD reads them
    _targets = staticmethod(SelfLearningTeacherDistill._targets)

    def _teacher_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        with teacher_context(self.teacher_inference_mode):
            logits = self.teacher(inputs, mode='tensor')
        return clone_inference_tensors(logits)

    def replayed_logits(self, inputs: torch.Tensor,
                        epoch: int) -> torch.Tensor:
        """Logits of the replayed networks of epoch ``epoch``.

        Args:
            inputs (Tensor): Pre-processed images.
            epoch (int): 1-based training epoch.

        Returns:
            Tensor: Shape (N, B, C).
        """
        networks = self.replayed_networks(epoch)
        with torch.inference_mode():
            logits = torch.stack([net(inputs, mode='tensor')
                                  for net in networks])
        return clone_inference_tensors(logits)

    def fuse(self, logits: torch.Tensor) -> torch.Tensor:
        """``z_c = sum_i lambda_i z_i`` (SLKD's logit fusion).

        Args:
            logits (Tensor): Shape (N, B, C).

        Returns:
            Tensor: Shape (B, C).
        """
        weights = self._fusion.to(logits.device, logits.dtype)
        return torch.einsum('n,nbc->bc', weights, logits)

    def loss(self, batch_inputs: torch.Tensor,
             data_samples: List[BaseDataElement]) -> LossDict:
        """The student's terms of one iteration.

        Args:
            batch_inputs (Tensor): Pre-processed images.
            data_samples (list[DataSample]): Their labels.

        Returns:
            dict[str, Tensor]: The weighted loss terms (non-zero weights).
        """
        epoch = MessageHub.get_current_instance().get_info('epoch', 0) + 1
        targets = self._targets(data_samples)
        teacher_logits = self._teacher_logits(batch_inputs)
        fused = None
        if self.process_weight > 0 and self.kd_weight_cs > 0:
            fused = self.fuse(self.replayed_logits(batch_inputs, epoch))
        student_logits = self.student(batch_inputs, mode='tensor')

        with float32_losses(batch_inputs.device.type):
            student_logits, teacher_logits, fused = to_float32(
                (student_logits, teacher_logits, fused))
            return student_losses(self, student_logits, teacher_logits,
                                  fused, targets)

    # ------------------------------------------------------------ validation
    @torch.no_grad()
    def predict_logits(self,
                       inputs: torch.Tensor,
                       with_teacher: bool = True) -> Dict[str, torch.Tensor]:
        """Logits of every network, for ``DistillValLoop``.

        Args:
            inputs (Tensor): Pre-processed images.
            with_teacher (bool): Also run the (fixed) teacher.

        Returns:
            dict[str, Tensor]: ``student``; once training has loaded a
            record, ``trajectory0`` ... and ``trajectory_fused`` (the
            networks replayed in the last training epoch); and optionally
            ``teacher``.
        """
        logits = OrderedDict(student=self.student(inputs, mode='tensor'))
        if self._loaded_epoch is not None:
            replayed = torch.stack(
                [net(inputs, mode='tensor') for net in self._replayed])
            for i, net_logits in enumerate(replayed):
                logits[f'trajectory{i}'] = net_logits
            logits['trajectory_fused'] = self.fuse(replayed)
        if with_teacher:
            logits['teacher'] = self.teacher(inputs, mode='tensor')
        return logits

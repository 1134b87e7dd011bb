# Copyright (c) mmslkd contributors. All rights reserved.
import os.path as osp
from typing import List, Optional, Sequence, Tuple

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from mmslkd.registry import HOOKS
from mmslkd.utils.trajectory import (TrajectoryError, TrajectoryWriter,
                                     file_sha256, weights_sha256)


@HOOKS.register_module()
class TrajectoryRecorderHook(Hook):
    """Record the weights of networks at chosen epochs of a training run,
    for :class:`~mmslkd.models.algorithms.TrajectoryDistill` to replay.

    What is recorded depends on the model:

    - a :class:`~mmslkd.models.algorithms.SelfLearningTeacherDistill` run:
      its self-learning teachers (kind ``'self_learning_teachers'``). Their
      trajectory must not depend on the student, so the run must not let
      the student's term reach them: ``process_weight=0`` (the recording
      configs: the SL-Ts learn exactly as in SLKD, the student is a vanilla
      KD student) or ``detach_fused_target=True``;
    - a classifier (e.g. a teacher being trained): the classifier itself
      (kind ``'teacher'``, for route-constrained KD).

    The initial weights (epoch 0) and the last epoch are always recorded;
    in between every ``interval``-th epoch, or the ``epochs`` given.
    Records are written after each chosen epoch, before that epoch's
    checkpoint, so a resumed recording continues (records after the resumed
    epoch are written again, bitwise equal since resume is exact).

    Args:
        interval (int): Record every ``interval`` epochs. Defaults to 1.
        epochs (Sequence[int], optional): Record exactly these epochs
            (plus 0 and the last) instead.
        out_dir (str, optional): The trajectory folder. Defaults to
            ``<work_dir>/trajectory``.
    """

    priority = 'NORMAL'  # before CheckpointHook (VERY_LOW)

    def __init__(self,
                 interval: int = 1,
                 epochs: Optional[Sequence[int]] = None,
                 out_dir: Optional[str] = None) -> None:
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(
                f'TrajectoryRecorderHook interval must be an integer >= 1, '
                f'got {interval!r}.')
        if epochs is not None and (not all(
                isinstance(e, int) and e >= 0 for e in epochs)):
            raise ValueError('TrajectoryRecorderHook epochs must be '
                             f'integers >= 0, got {list(epochs)!r}.')
        self.interval = interval
        self.epochs = None if epochs is None else set(epochs)
        self.out_dir = out_dir
        self._writer: Optional[TrajectoryWriter] = None
        self._networks: List[nn.Module] = []

    # ----------------------------------------------------------- networks
    @staticmethod
    def _recorded(runner) -> Tuple[str, List[nn.Module], dict, dict]:
        """(kind, networks, config of one network, teacher info)."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        cfg = runner.cfg.model
        ensemble = getattr(model, 'self_learning_teachers', None)
        if ensemble is not None:
            ensemble = ensemble.module if is_model_wrapper(
                ensemble) else ensemble
            student_reaches_slts = (
                model.training_mode == 'parallel'
                and not model.detach_fused_target
                and model.process_weight > 0 and model.kd_weight_cs > 0)
            if student_reaches_slts:
                raise TrajectoryError(
                    'TrajectoryRecorderHook: in this run the student\'s '
                    'term KD(s <- fused SL-Ts) also trains the self-learning '
                    'teachers (detach_fused_target=False), so their '
                    'trajectory would belong to this student. Record with '
                    'model.process_weight=0 (configs/trajectory/'
                    'slt-trajectory-record_*.py) or '
                    'model.detach_fused_target=True.')
            teacher_ckpt = cfg.get('teacher_ckpt')
            teacher = dict(
                weights_sha256=weights_sha256(model.teacher.state_dict()),
                checkpoint=teacher_ckpt,
                checkpoint_sha256=file_sha256(teacher_ckpt))
            network_cfg = cfg.get('self_learning_teacher') or cfg.teacher
            return ('self_learning_teachers', list(ensemble.networks),
                    network_cfg, teacher)
        head = getattr(model, 'head', None)
        if isinstance(getattr(head, 'num_classes', None), int):
            return 'teacher', [model], cfg, None
        raise TrajectoryError(
            'TrajectoryRecorderHook records the self-learning teachers of '
            'SelfLearningTeacherDistill or a classifier being trained; '
            f'{type(model).__name__} is neither. Remove the hook from this '
            'config.')

    def _chosen(self, epoch: int, max_epochs: int) -> bool:
        if epoch in (0, max_epochs):
            return True
        if self.epochs is not None:
            return epoch in self.epochs
        return epoch % self.interval == 0

    # -------------------------------------------------------------- hooks
    def before_train(self, runner) -> None:
        """Open the trajectory folder; record the initial weights."""
        kind, networks, network_cfg, teacher = self._recorded(runner)
        self._networks = networks
        if not is_main_process():
            return
        folder = self.out_dir or osp.join(runner.work_dir, 'trajectory')
        self._writer = TrajectoryWriter(
            folder,
            kind,
            network_cfg,
            networks,
            num_classes=networks[0].head.num_classes,
            max_epochs=runner.max_epochs,
            teacher=teacher,
            source=runner.cfg.filename)
        self._writer.start(runner.epoch)
        if runner.epoch == 0:
            self._writer.record(0, networks)

    def after_train_epoch(self, runner) -> None:
        """Record the weights at the end of a chosen epoch."""
        epoch = runner.epoch + 1  # the epoch just completed, 1-based
        if self._writer is not None and self._chosen(epoch,
                                                     runner.max_epochs):
            self._writer.record(epoch, self._networks)

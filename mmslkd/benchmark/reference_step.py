# Copyright (c) mmslkd contributors. All rights reserved.
"""The training step of each algorithm written as a plain PyTorch loop.

``benchmark_train.py`` times it beside the algorithm to show what the
OpenMMLab machinery (data preprocessor, recorders, loss modules, optimizer
wrappers) costs. The reference works on a private copy of the algorithm's
networks (same weights, every hook removed), computes every loss with
``torch.nn.functional`` calls of its own, and steps ``torch.optim``
optimizers with the wrapper's parameter groups, so both sides do the same
arithmetic; ``tests/test_benchmark/test_reference_step.py`` checks that one
step of each gives the same loss and the same parameter update.
"""
import copy
import time
from collections import defaultdict
from typing import Callable, Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from torch import nn

#: phases of a step, in the order they happen
PHASES = ('data', 'teacher_forward', 'slt_forward', 'student_forward',
          'backward', 'optimizer', 'other')


class UnsupportedConfigError(NotImplementedError):
    """The reference has no plain implementation of this configuration."""


class PhaseClock:
    """Accumulates wall time per phase between :meth:`lap` calls.

    Args:
        synchronize (bool): Wait for the GPU at every lap (phase times on
            CUDA; slows the step down, so total times are measured without).
    """

    def __init__(self, synchronize: bool = False) -> None:
        self.synchronize = synchronize
        self.totals: Dict[str, float] = defaultdict(float)
        self._last = None

    def start(self) -> None:
        """Start a step."""
        self._sync()
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        """Charge the time since the last lap to ``phase``."""
        self._sync()
        now = time.perf_counter()
        self.totals[phase] += now - self._last
        self._last = now

    def _sync(self) -> None:
        if self.synchronize:
            torch.cuda.synchronize()


class _NullClock:

    def start(self) -> None:
        pass

    def lap(self, phase: str) -> None:
        pass


def _unwrap(module: nn.Module) -> nn.Module:
    return module.module if is_model_wrapper(module) else module


def _strip_hooks(module: nn.Module) -> None:
    """Remove every hook, and compilation (``nn.Module.compile``), from a
    copied model: the reference runs plain eager modules."""
    for sub in module.modules():
        if getattr(sub, '_compiled_call_impl', None) is not None:
            sub._compiled_call_impl = None
        for name in ('_forward_hooks', '_forward_pre_hooks', '_backward_hooks',
                     '_forward_hooks_with_kwargs',
                     '_forward_pre_hooks_with_kwargs'):
            hooks = getattr(sub, name, None)
            if hooks is not None:
                hooks.clear()


def plain_logits(classifier: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Backbone, neck and head of an MMPretrain ``ImageClassifier``."""
    return classifier.head(classifier.neck(classifier.backbone(x)))


def plain_stages(classifier: nn.Module, x: torch.Tensor):
    """Every stage of an mmslkd backbone, and the logits."""
    stages = classifier.backbone.forward_stages(x)
    features = tuple(stages[i] for i in classifier.backbone.out_indices)
    return stages, classifier.head(classifier.neck(features))


def kd_term(student: torch.Tensor, teacher: torch.Tensor,
            tau: float) -> torch.Tensor:
    """``T^2 KL(softmax(t/T) || softmax(s/T))``, summed over classes and
    averaged over the batch."""
    return tau**2 * F.kl_div(
        F.log_softmax(student / tau, dim=1),
        F.softmax(teacher / tau, dim=1),
        reduction='batchmean')


def _check_kl(loss: nn.Module, where: str) -> float:
    if type(loss).__name__ != 'KLDivergence' or \
            getattr(loss, 'reduction', None) != 'batchmean':
        raise UnsupportedConfigError(
            f'the reference implements {where} as KLDivergence with '
            f"reduction='batchmean', not {type(loss).__name__}.")
    return loss.loss_weight


def _ce_weight(classifier: nn.Module) -> float:
    loss = classifier.head.loss_module
    if type(loss).__name__ != 'CrossEntropyLoss' or loss.use_sigmoid or \
            getattr(loss, 'use_soft', False):
        raise UnsupportedConfigError(
            'the reference implements the head loss as softmax '
            f'cross-entropy, not {type(loss).__name__}.')
    return loss.loss_weight


def _clone_optimizers(model: nn.Module, reference: nn.Module,
                      optim_wrapper) -> List[torch.optim.Optimizer]:
    """``torch.optim`` optimizers over the reference's parameters with the
    wrapper's parameter groups (learning rates, decay, momentum...)."""
    names = {id(p): n for n, p in model.named_parameters()}
    params = dict(reference.named_parameters())
    wrappers = optim_wrapper.values() if isinstance(
        optim_wrapper, OptimWrapperDict) else [optim_wrapper]
    optimizers = []
    for wrapper in wrappers:
        if getattr(wrapper, '_accumulative_counts', 1) != 1:
            raise UnsupportedConfigError(
                'the reference does not accumulate gradients.')
        optimizer = wrapper.optimizer
        groups = [
            dict({
                k: v
                for k, v in group.items() if k != 'params'
            },
                 params=[params[names[id(p)]] for p in group['params']])
            for group in optimizer.param_groups
        ]
        optimizers.append(type(optimizer)(groups, **optimizer.defaults))
    return optimizers


class ReferenceStep:
    """One training iteration of the algorithm as a plain PyTorch loop.

    Supported: ``ImageClassifier`` (teacher training), MMRazor's
    ``SingleTeacherDistill`` with ``KLDivergence`` on logits (vanilla KD),
    ``SelfLearningTeacherDistill`` in parallel mode with KL terms (SLKD),
    and ``MultiTeacherDistill`` with ``MultiTeacherKDLoss`` (target
    aggregation), ``MultiTeacherAngleLoss``, ``MultiTeacherDistanceLoss``,
    ``TeacherOrderedTripletLoss`` on stage outputs, group hints (round-robin
    or from every teacher) through
    ``NormalizedConvConnector``/``NormalizedHintLoss``, a plain or
    temperature CE, and uniform or latent-adapter teacher weights (AvgMKD,
    AMTML-KD). Anything else raises
    :class:`UnsupportedConfigError`.

    Args:
        model (nn.Module): The built algorithm (or classifier); it is copied,
            not changed.
        optim_wrapper (OptimWrapper | OptimWrapperDict): Its optimizer(s),
            whose parameter groups the reference's optimizers copy.
    """

    #: algorithm class -> (check and read its settings, its losses)
    _methods = {
        'ImageClassifier': ('_prepare_classifier', '_classifier_losses'),
        'SingleTeacherDistill': ('_prepare_kd', '_kd_losses'),
        'SelfLearningTeacherDistill': ('_prepare_slkd', '_slkd_losses'),
        'MultiTeacherDistill':
        ('_prepare_multi_teacher', '_multi_teacher_losses'),
    }

    def __init__(self, model: nn.Module, optim_wrapper) -> None:
        model = _unwrap(model)
        self.model = copy.deepcopy(model)
        _strip_hooks(self.model)
        self.model.train()
        kind = type(model).__name__
        if kind not in self._methods:
            raise UnsupportedConfigError(
                f'no plain PyTorch reference for {kind}; supported: '
                f'{sorted(self._methods)}.')
        prepare, losses = self._methods[kind]
        getattr(self, prepare)()
        self._losses: Callable = getattr(self, losses)
        self.preprocess = self._build_preprocess(model.data_preprocessor)
        self.optimizers = _clone_optimizers(model, self.model, optim_wrapper)

    # ------------------------------------------------------------- the step
    def __call__(self,
                 images: Sequence[torch.Tensor],
                 labels: torch.Tensor,
                 clock: Optional[PhaseClock] = None) -> torch.Tensor:
        """Preprocess, forward, backward and step once.

        Args:
            images (Sequence[Tensor] | Tensor): Raw (C, H, W) uint8 images,
                as the dataloader gives them.
            labels (Tensor): (B, ) class indices.
            clock (PhaseClock, optional): Receives the phase times.

        Returns:
            Tensor: The total loss (detached).
        """
        clock = clock or _NullClock()
        clock.start()
        x = self.preprocess(images)
        labels = labels.to(x.device)
        clock.lap('data')
        loss = self._losses(x, labels, clock)
        for optimizer in self.optimizers:
            optimizer.zero_grad()
        loss.backward()
        clock.lap('backward')
        for optimizer in self.optimizers:
            optimizer.step()
        clock.lap('optimizer')
        return loss.detach()

    def _build_preprocess(self, preprocessor: nn.Module):
        kind = type(preprocessor).__name__
        if kind not in ('ClsDataPreprocessor',
                        'BatchAugmentClsDataPreprocessor'):
            raise UnsupportedConfigError(
                f'the reference normalises like ClsDataPreprocessor, not '
                f'{kind}.')
        if getattr(preprocessor, 'to_rgb', False) or \
                getattr(preprocessor, 'batch_augments', None) is not None:
            raise UnsupportedConfigError(
                'the reference does not swap channels or mix batches.')
        mean = getattr(preprocessor, 'mean', None)
        std = getattr(preprocessor, 'std', None)
        augment = None
        if kind == 'BatchAugmentClsDataPreprocessor':
            # the same batched crop/flip (pure tensor code) as ours
            from mmslkd.models.data_preprocessors import random_crop_flip
            augment = (random_crop_flip, preprocessor.crop_padding,
                       preprocessor.flip_prob, preprocessor.pad_value)
        device = next(self.model.parameters()).device

        def preprocess(images):
            batch = images if torch.is_tensor(images) else torch.stack(
                list(images))
            batch = batch.to(device, non_blocking=True)
            if augment is not None:
                function, *options = augment
                batch = function(batch, *options)[0]
            batch = batch.float()
            if mean is not None:
                batch = (batch - mean) / std
            return batch

        return preprocess

    # ---------------------------------------------------------- the losses
    def _classifier_losses(self, x, labels, clock):
        logits = plain_logits(self.model, x)
        clock.lap('student_forward')
        loss = self._ce_scale * F.cross_entropy(logits, labels)
        clock.lap('other')
        return loss

    def _prepare_classifier(self):
        self._ce_scale = _ce_weight(self.model)

    def _prepare_kd(self):
        model = self.model
        distiller = model.distiller
        if model.teacher_trainable or not model.calculate_student_loss:
            raise UnsupportedConfigError(
                'the reference implements a frozen teacher and the '
                "student's own loss.")
        self._kd = []
        for name, loss in distiller.distill_losses.items():
            mapping = distiller.loss_forward_mappings[name]
            weight = _check_kl(loss, f'distill loss {name!r}')
            for key, spec in mapping.items():
                recorder = (
                    distiller.student_recorders if spec['from_student'] else
                    distiller.teacher_recorders).recorders[spec['recorder']]
                if recorder.source != 'head.fc' or 'connector' in spec:
                    raise UnsupportedConfigError(
                        'the reference distils logits (head.fc) only.')
            self._kd.append((weight, loss.tau))
        self._ce_scale = _ce_weight(model.student)

    def _kd_losses(self, x, labels, clock):
        model = self.model
        with torch.no_grad():
            teacher = plain_logits(model.teacher, x)
        clock.lap('teacher_forward')
        student = plain_logits(model.student, x)
        clock.lap('student_forward')
        loss = self._ce_scale * F.cross_entropy(student, labels)
        for weight, tau in self._kd:
            loss = loss + weight * kd_term(student, teacher, tau)
        clock.lap('other')
        return loss

    def _prepare_slkd(self):
        model = self.model
        if model.training_mode != 'parallel':
            raise UnsupportedConfigError(
                'the reference implements the parallel (official) mode.')
        if type(model.self_learning_teachers).__name__ not in (
                'ClassifierEnsemble', 'BatchedClassifierEnsemble'):
            raise UnsupportedConfigError(
                'the reference runs ClassifierEnsemble members one after '
                'another.')
        for name in ('teacher_loss', 'self_learning_teacher_loss',
                     'fused_loss'):
            _check_kl(getattr(model, name), name)
        for net in [model.student, *model.self_learning_teachers.networks]:
            if _ce_weight(net) != 1.0:
                raise UnsupportedConfigError('SLKD heads have loss weight 1.')

    def _slkd_losses(self, x, labels, clock):
        model = self.model
        with torch.no_grad():
            teacher = plain_logits(model.teacher, x)
        clock.lap('teacher_forward')
        slts = [
            plain_logits(net, x)
            for net in model.self_learning_teachers.networks
        ]
        clock.lap('slt_forward')
        student = plain_logits(model.student, x)
        clock.lap('student_forward')
        w_ce, w_kd = (model.self_learning_teacher_ce_weight,
                      model.self_learning_teacher_kd_weight)
        tau_slt = model.self_learning_teacher_loss.tau
        scale_slt = model.self_learning_teacher_loss.loss_weight
        loss = 0
        for logits in slts:
            if w_ce > 0:
                loss = loss + w_ce * F.cross_entropy(logits, labels)
            if w_kd > 0:
                loss = loss + w_kd * scale_slt * kd_term(
                    logits, teacher, tau_slt)
        ce = F.cross_entropy(student, labels)
        p = model.process_weight
        loss = loss + model.ce_weight * ce
        if p > 0:
            loss = loss + p * model.ce_weight_cs * ce
        if model.kd_weight > 0:
            loss = loss + model.kd_weight * model.teacher_loss.loss_weight * \
                kd_term(student, teacher, model.teacher_loss.tau)
        if p > 0 and model.kd_weight_cs > 0:
            weights = model.fusion_weights
            fused = sum(w * z for w, z in zip(weights, slts))
            if model.detach_fused_target:
                fused = fused.detach()
            loss = loss + p * model.kd_weight_cs * \
                model.fused_loss.loss_weight * kd_term(
                    student, fused, model.fused_loss.tau)
        clock.lap('other')
        return loss

    def _prepare_multi_teacher(self):
        model = self.model
        distiller = model.distiller
        rule = model.teacher_weighting
        kind = type(rule).__name__
        if kind not in ('UniformTeacherWeighting', 'LatentAdapterWeighting'):
            raise UnsupportedConfigError(
                f'the reference implements uniform and latent-adapter '
                f'teacher weights, not {kind}.')
        if kind == 'LatentAdapterWeighting' and (
                rule.detach_student_feature
                or distiller._student_recorder_cfg.get(
                    'pooled', {}).get('source') != 'backbone'):
            raise UnsupportedConfigError(
                'the reference feeds the adapter the pooled last stage.')
        self._ce_scale, self._ce_tau = 0.0, 1.0
        if model.calculate_student_loss:
            head_loss = model.student.head.loss_module
            if type(head_loss).__name__ == 'TemperatureCrossEntropyLoss':
                self._ce_scale, self._ce_tau = (head_loss.loss_weight,
                                                head_loss.tau)
            else:
                self._ce_scale = _ce_weight(model.student)
        self._logit_losses = []
        self._hints = []
        self._triplets = []
        names = distiller.teacher_names
        hints = distiller.group_hints or {}
        hint_names = set()
        if hints:
            prefix = hints.get('name', 'hint')
            stages = list(hints['student_stages'])
            teacher_stages = list(hints.get('teacher_stages') or stages)
            for i, (stage, t_stage) in enumerate(zip(stages, teacher_stages)):
                key = f'{prefix}{stage}'
                loss = distiller.distill_losses[f'loss_{key}']
                if hints.get('every_teacher'):
                    guides = [(k, f'{key}_{name}')
                              for k, name in enumerate(names)]
                else:
                    teacher = hints.get('teacher') or names[i % len(names)]
                    guides = [(names.index(teacher), key)]
                for k, connector_name in guides:
                    connector = distiller.connectors[connector_name] \
                        if connector_name in distiller.connectors else None
                    if type(loss).__name__ != 'NormalizedHintLoss' or \
                            type(connector).__name__ != \
                            'NormalizedConvConnector':
                        raise UnsupportedConfigError(
                            'the reference implements NormalizedHintLoss '
                            'hints through NormalizedConvConnector.')
                    self._hints.append(
                        (stage, k, t_stage, connector.transform, loss))
                hint_names.add(f'loss_{key}')
        for name, loss in distiller.distill_losses.items():
            if name in hint_names:
                continue
            kind = type(loss).__name__
            mapping = distiller.loss_forward_mappings[name]
            if kind == 'TeacherOrderedTripletLoss':
                self._triplets.append(
                    self._triplet_inputs(mapping, names) + (loss, ))
                continue
            ok = (kind == 'MultiTeacherKDLoss'
                  and loss.aggregation == 'target') or kind in (
                      'MultiTeacherAngleLoss', 'MultiTeacherDistanceLoss')
            if not ok or any(spec['recorder'] != 'logits'
                             or 'connector' in spec or 'teacher' in spec
                             for spec in mapping.values()):
                raise UnsupportedConfigError(
                    f'the reference implements MultiTeacherKDLoss '
                    f'(target), MultiTeacherAngleLoss, '
                    f'MultiTeacherDistanceLoss on all teachers\' logits and '
                    f'TeacherOrderedTripletLoss, not {name!r} ({kind}).')
            self._logit_losses.append(loss)

    def _triplet_inputs(self, mapping, names):
        """(student stage, teacher index, teacher stage) of a triplet
        loss's records."""
        distiller = self.model.distiller

        def stage_of(spec, manager, network):
            source = manager.recorders[spec['recorder']].source
            stage_names = [
                f'backbone.{n}' for n in network.backbone.stage_names
            ]
            if type(manager.recorders[spec['recorder']]).__name__ != \
                    'ModuleOutputsRecorder' or source not in stage_names or \
                    'connector' in spec:
                raise UnsupportedConfigError(
                    'the reference implements triplets on stage outputs.')
            return stage_names.index(source)

        s_spec, t_spec = mapping['s_feature'], mapping['t_feature']
        teacher = t_spec['teacher']
        return (stage_of(s_spec, distiller.student_recorders,
                         self.model.student), names.index(teacher),
                stage_of(t_spec, distiller.teacher_recorders[teacher],
                         self.model.teachers[teacher]))

    def _multi_teacher_losses(self, x, labels, clock):
        model = self.model
        teachers = []
        with torch.no_grad():
            for teacher in model.teachers.values():
                teachers.append(plain_stages(teacher, x))
        teacher_logits = torch.stack([logits for _, logits in teachers])
        clock.lap('teacher_forward')
        stages = model.student.backbone.forward_stages(x)
        pooled = model.student.neck((stages[-1], ))
        student = model.student.head(pooled)
        clock.lap('student_forward')

        loss = self._ce_scale * F.cross_entropy(student / self._ce_tau,
                                                labels)
        rule = model.teacher_weighting
        num = len(teachers)
        if type(rule).__name__ == 'LatentAdapterWeighting':
            beta = pooled[-1].flatten(1)
            weights = F.softmax(beta @ (rule.theta * rule.w).t(), dim=1)
            if rule.theta.requires_grad and rule.l2_weight:
                loss = loss + rule.l2_weight * (
                    rule.w.pow(2).sum() + rule.theta.pow(2).sum())
        else:
            weights = torch.full((x.shape[0], num), 1.0 / num, device=x.device)
        for term in self._logit_losses:
            kind, tau = type(term).__name__, term.tau
            target = torch.einsum('bk,kbc->bc', weights,
                                  F.softmax(teacher_logits / tau, dim=-1))
            if kind == 'MultiTeacherKDLoss':
                kl = F.kl_div(
                    F.log_softmax(student / tau, dim=1),
                    target,
                    reduction='none').sum(1).mean()
                if term.reduction == 'mean':
                    kl = kl / student.shape[1]
                loss = loss + term.loss_weight * tau**2 * kl
                continue
            embedded = dict(
                softmax=lambda z: F.softmax(z / tau, dim=1),
                log_softmax=lambda z: F.log_softmax(z / tau, dim=1),
                logits=lambda z: z)[term.student_input](student)
            relation = _angle_loss if kind == 'MultiTeacherAngleLoss' \
                else _distance_loss
            loss = loss + term.loss_weight * relation(embedded, target)
        for stage, k, t_stage, conv, hint in self._hints:
            s_map = conv(F.normalize(stages[stage], dim=1))
            t_map = teachers[k][0][t_stage]
            if hint.normalize_target:
                t_map = F.normalize(t_map, dim=1)
            if s_map.shape[-2:] != t_map.shape[-2:]:
                s_map = F.adaptive_avg_pool2d(s_map, t_map.shape[-2:])
            loss = loss + hint.loss_weight * (s_map - t_map).pow(2).mean()
        for stage, k, t_stage, term in self._triplets:
            loss = loss + term.loss_weight * _triplet_loss(
                stages[stage], teachers[k][0][t_stage], term)
        clock.lap('other')
        return loss


def _angle_loss(student: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """RKD angle loss between two (B, D) embeddings (target fixed)."""

    def cosines(e):
        unit = F.normalize(e.unsqueeze(0) - e.unsqueeze(1), p=2, dim=2)
        return torch.bmm(unit, unit.transpose(1, 2)).view(-1)

    with torch.no_grad():
        fixed = cosines(target)
    return F.smooth_l1_loss(cosines(student), fixed)


def _distance_loss(student: torch.Tensor,
                   target: torch.Tensor) -> torch.Tensor:
    """RKD distance loss between two (B, D) embeddings (target fixed)."""

    def distances(e):
        d = (e.unsqueeze(1) - e.unsqueeze(0)).pow(2).sum(2).clamp(
            min=1e-12).sqrt()
        d = d * (1 - torch.eye(len(e), dtype=e.dtype, device=e.device))
        return d / d[d > 0].mean()

    with torch.no_grad():
        fixed = distances(target)
    return F.smooth_l1_loss(distances(student), fixed)


def _triplet_loss(s_map: torch.Tensor, t_map: torch.Tensor,
                  term: nn.Module) -> torch.Tensor:
    """AvgMKD's teacher-ordered triplet-margin loss (the loss module's own
    triplet sampler, so a seed gives the same triplets)."""
    from mmslkd.models.losses import teacher_ordered_triplet
    a, i, j = teacher_ordered_triplet.sample_triplets(
        s_map.shape[0], s_map.device).unbind(1)
    t = t_map.flatten(1)
    swapped = (t[a] - t[i]).pow(2).sum(1) > (t[a] - t[j]).pow(2).sum(1)
    positive = torch.where(swapped, j, i)
    negative = j if term.reorder == 'as_coded' else torch.where(
        swapped, i, j)
    s = s_map if term.distance_over == 'last_axis' else s_map.flatten(1)
    return F.triplet_margin_loss(
        s[a], s[positive], s[negative], margin=term.margin)

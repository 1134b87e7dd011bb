# Copyright (c) mmslkd contributors. All rights reserved.
import copy
import inspect
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.registry import DefaultScope
from mmrazor.models.distillers.base_distiller import BaseDistiller
from mmrazor.models.task_modules import RecorderManager
from torch import nn

from mmslkd.registry import MODELS
from mmslkd.utils.validation import check_loss_options
from ..utils.precision import to_float32

LossResults = Dict[str, torch.Tensor]


@MODELS.register_module()
class MultiTeacherDistiller(BaseDistiller):
    """MMRazor's ``ConfigurableDistiller`` for K named teachers.

    Recorders read tensors out of the student and out of each teacher;
    ``loss_forward_mappings`` feed them to the distillation losses. A record
    is addressed as in MMRazor, extended by teacher name::

        dict(from_student=True, recorder='logits')                 # student
        dict(from_student=False, recorder='logits', teacher='r56')  # one
        dict(from_student=False, recorder='logits')  # all teachers (K, ...)

        dict(..., connector='name', record_idx=0, data_idx=None)  # as MMRazor
        dict(from_student=False, recorder='stage2', teacher=-1)  # by index

    ``teacher`` may be an index into the teachers (``-1``: the last one), so
    that a base config can address a teacher before the leaf names them. A
    recorder config may give ``stage=i`` instead of ``source``: stage ``i``
    of each network's mmslkd backbone (``backbone.stage_names[i]``), so one
    teacher recorder reads the same depth of teachers of different
    architectures. A mapping whose arguments are lists of records (all of
    one length) calls the loss once per position and sums the results.

    A loss whose ``forward`` takes ``teacher_weights`` receives the
    iteration's (B, K) teacher weights. ``weighting_inputs`` maps the inputs
    a teacher-weighting rule takes (``teacher_logits``, ``student_feature``,
    ``gt_labels``...) to records the same way.

    ``group_hints`` adds AMTML-KD's multi-group hints: for the i-th entry g
    of ``student_stages``, student stage g is guided by teacher ``i mod K``
    (or by the one teacher named ``teacher``) at stage
    ``teacher_stages[i]`` (default: g, the same depth), through a connector
    (``connector`` config with its input and output widths filled in; None
    or absent for losses that need none, such as attention transfer) and a
    loss (``loss`` config), named ``loss_{name}{g}`` (``name`` defaults to
    ``'hint'``). With ``every_teacher=True`` each listed student stage is
    guided by every teacher instead, through one connector per teacher
    (``{name}{g}_{teacher}``), the K terms summed into ``loss_{name}{g}``
    (AMTML-KD's ``LR_adaptive_learning``: student stage 2 <- each
    teacher's stage 2). ``train_connectors=False`` freezes the connectors
    at their initialisation (that notebook never steps them). Stages are
    those of mmslkd's backbones (``backbone.stage_names``).

    Args:
        student_recorders (dict, optional): Recorders of the student.
        teacher_recorders (dict, optional): Recorders of every teacher.
        per_teacher_recorders (dict, optional): Extra recorders of single
            teachers, ``{teacher: {recorder: cfg}}``.
        connectors (dict, optional): Connector configs.
        distill_losses (dict, optional): Loss configs.
        loss_forward_mappings (dict, optional): Loss inputs -> records.
        weighting_inputs (dict, optional): Weighting inputs -> records.
        group_hints (dict, optional): ``student_stages``, ``loss``, and
            optional ``teacher_stages``, ``teacher``, ``every_teacher``,
            ``connector``, ``train_connectors`` and ``name``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 student_recorders: Optional[Dict] = None,
                 teacher_recorders: Optional[Dict] = None,
                 per_teacher_recorders: Optional[Dict] = None,
                 connectors: Optional[Dict] = None,
                 distill_losses: Optional[Dict] = None,
                 loss_forward_mappings: Optional[Dict] = None,
                 weighting_inputs: Optional[Dict] = None,
                 group_hints: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg)
        self._student_recorder_cfg = copy.deepcopy(student_recorders or {})
        self._teacher_recorder_cfg = copy.deepcopy(teacher_recorders or {})
        self._per_teacher_recorder_cfg = copy.deepcopy(per_teacher_recorders
                                                       or {})
        self.connectors = nn.ModuleDict({
            name: MODELS.build(cfg)
            for name, cfg in (connectors or {}).items()
        })
        self.distill_losses = nn.ModuleDict({
            name: MODELS.build(cfg)
            for name, cfg in (distill_losses or {}).items()
        })
        # upstream losses (KLDivergence, ATLoss...) check nothing themselves
        for name, loss in self.distill_losses.items():
            check_loss_options(
                loss, f'distill_losses.{name} ({type(loss).__name__})')
        self.loss_forward_mappings = copy.deepcopy(loss_forward_mappings or {})
        self.weighting_inputs = copy.deepcopy(weighting_inputs or {})
        self.group_hints = copy.deepcopy(group_hints)
        self.teacher_names: List[str] = []
        self.student_recorders = RecorderManager()
        self.teacher_recorders: Dict[str, RecorderManager] = {}
        self._teacher_weights: Optional[torch.Tensor] = None
        self._weighted_losses = set()

    # ---------------------------------------------------------------- setup
    def prepare(self, student: nn.Module, teachers: Dict[str,
                                                         nn.Module]) -> None:
        """Build and attach the recorders once the networks exist, add the
        group hints and check every mapping.

        Args:
            student (nn.Module): The student.
            teachers (dict[str, nn.Module]): The teachers, by name.
        """
        self.teacher_names = list(teachers)
        unknown = set(self._per_teacher_recorder_cfg) - set(teachers)
        if unknown:
            raise KeyError(
                f'per_teacher_recorders names unknown teachers '
                f'{sorted(unknown)}; the teachers are {self.teacher_names}.')
        student_cfg = dict(self._student_recorder_cfg)
        teacher_cfgs = {
            name: {
                **self._teacher_recorder_cfg,
                **self._per_teacher_recorder_cfg.get(name, {})
            }
            for name in teachers
        }
        if self.group_hints:
            self._add_group_hints(student, teachers, student_cfg, teacher_cfgs)
        for where, specs in self._record_specs():
            self._resolve_teacher_index(specs, where)
        self.student_recorders = self._recorders(student_cfg, student,
                                                 'the student')
        self.teacher_recorders = {
            name:
            self._recorders(teacher_cfgs[name], teachers[name],
                            f'teacher {name!r}')
            for name in teachers
        }
        for loss_name, mapping in self.loss_forward_mappings.items():
            if loss_name not in self.distill_losses:
                raise KeyError(
                    f'loss_forward_mappings names {loss_name!r}, which is '
                    'not in distill_losses '
                    f'({list(self.distill_losses)}).')
            self._check_mapping(mapping,
                                self.distill_losses[loss_name].forward,
                                f'loss {loss_name!r}')
        for spec in self.weighting_inputs.values():
            self._check_record(spec, 'weighting_inputs')
        self._weighted_losses = {
            name
            for name, loss in self.distill_losses.items()
            if 'teacher_weights' in inspect.signature(loss.forward).parameters
            and 'teacher_weights' not in self.loss_forward_mappings.get(
                name, {})
        }

    def _record_specs(self):
        """(where, spec) for every record spec of the mappings."""
        for loss_name, mapping in self.loss_forward_mappings.items():
            for key, specs in mapping.items():
                for spec in specs if isinstance(specs,
                                                (list, tuple)) else [specs]:
                    yield f'loss {loss_name!r}, argument {key!r}', spec
        for key, spec in self.weighting_inputs.items():
            yield f'weighting_inputs {key!r}', spec

    def _resolve_teacher_index(self, spec: Dict, where: str) -> None:
        """Replace an integer ``teacher`` by the teacher's name."""
        index = spec.get('teacher') if isinstance(spec, dict) else None
        if not isinstance(index, int) or isinstance(index, bool):
            return
        num = len(self.teacher_names)
        if not -num <= index < num:
            raise IndexError(
                f'{where}: teacher index {index} is out of range for the '
                f'{num} teachers {self.teacher_names}.')
        spec['teacher'] = self.teacher_names[index]

    @classmethod
    def _recorders(cls, cfg: Dict, model: nn.Module,
                   who: str) -> RecorderManager:
        cfg = copy.deepcopy(cfg)
        for name, recorder_cfg in cfg.items():
            if 'stage' in recorder_cfg:
                if 'source' in recorder_cfg:
                    raise KeyError(f'Recorder {name!r} of {who} gives both '
                                   'source and stage; give one.')
                recorder_cfg['source'] = cls._stage(
                    model, recorder_cfg.pop('stage'), who)[0]
        # mmslkd's scope sees its recorders and (as parents) MMRazor's
        with DefaultScope.overwrite_default_scope('mmslkd'):
            manager = RecorderManager(cfg)
        for name, recorder in manager.recorders.items():
            try:
                recorder.initialize(model)
            except AssertionError:
                raise ValueError(
                    f'Recorder {name!r} reads {recorder.source!r}, which is '
                    f'not a module of {who}. Module names look like '
                    "'backbone.layer1' or 'head.fc'.") from None
        return manager

    @staticmethod
    def _stage(network: nn.Module, index: int, who: str) -> Tuple[str, int]:
        backbone = getattr(network, 'backbone', None)
        names = getattr(backbone, 'stage_names', None)
        if not names:
            raise TypeError(
                f'group_hints locates stages through mmslkd backbones '
                f'(StageBackbone); {who} has a '
                f'{type(backbone).__name__}. Map hints with explicit '
                'recorders and loss_forward_mappings instead.')
        if not -len(names) <= index < len(names):
            listing = ', '.join(f'{i}: {n}' for i, n in enumerate(names))
            raise ValueError(
                f'group_hints asks for stage {index} of {who}, whose '
                f'{type(backbone).__name__} has {len(names)} stages '
                f'({listing}).')
        return f'backbone.{names[index]}', backbone.stage_channels[index]

    def _add_group_hints(self, student: nn.Module, teachers: Dict[str,
                                                                  nn.Module],
                         student_cfg: Dict, teacher_cfgs: Dict) -> None:
        cfg = self.group_hints
        unknown = set(cfg) - {
            'student_stages', 'teacher_stages', 'teacher', 'every_teacher',
            'connector', 'train_connectors', 'loss', 'name'
        }
        if unknown:
            raise KeyError(f'group_hints has unknown keys {sorted(unknown)}; '
                           'it takes student_stages, teacher_stages, '
                           'teacher, every_teacher, connector, '
                           'train_connectors, loss and name.')
        stages = list(cfg['student_stages'])
        teacher_stages = list(cfg.get('teacher_stages') or stages)
        if len(teacher_stages) != len(stages):
            raise ValueError('group_hints.teacher_stages needs one entry per '
                             'student stage.')
        if len(set(stages)) != len(stages):
            raise ValueError(f'group_hints.student_stages repeats a stage: '
                             f'{stages}.')
        names = list(teachers)
        if cfg.get('teacher') is not None and cfg['teacher'] not in names:
            raise KeyError(f'group_hints.teacher {cfg["teacher"]!r} is not '
                           f'a teacher; the teachers are {names}.')
        every = bool(cfg.get('every_teacher', False))
        if every and cfg.get('teacher') is not None:
            raise ValueError('group_hints: give either teacher (one teacher '
                             'guides every stage) or every_teacher=True, '
                             'not both.')
        prefix = cfg.get('name', 'hint')
        for i, (stage,
                teacher_stage) in enumerate(zip(stages, teacher_stages)):
            if every:
                guides = names
            else:
                guides = [cfg.get('teacher') or names[i % len(names)]]
            s_module, s_channels = self._stage(student, stage, 'the student')
            key = f'{prefix}{stage}'
            student_cfg[key] = dict(type='ModuleOutputs', source=s_module)
            s_features, t_features = [], []
            for teacher in guides:
                t_module, t_channels = self._stage(teachers[teacher],
                                                   teacher_stage,
                                                   f'teacher {teacher!r}')
                teacher_cfgs[teacher][key] = dict(
                    type='ModuleOutputs', source=t_module)
                s_feature = dict(from_student=True, recorder=key)
                if cfg.get('connector') is not None:
                    name = f'{key}_{teacher}' if every else key
                    self.connectors[name] = self._build_connector(
                        cfg['connector'], s_channels, t_channels)
                    if not cfg.get('train_connectors', True):
                        self.connectors[name].requires_grad_(False)
                    s_feature['connector'] = name
                s_features.append(s_feature)
                t_features.append(
                    dict(from_student=False, recorder=key, teacher=teacher))
            self.distill_losses[f'loss_{key}'] = MODELS.build(cfg['loss'])
            check_loss_options(self.distill_losses[f'loss_{key}'],
                               f'group_hints.loss (loss_{key})')
            self.loss_forward_mappings[f'loss_{key}'] = dict(
                s_feature=s_features if every else s_features[0],
                t_feature=t_features if every else t_features[0])

    @staticmethod
    def _build_connector(cfg: Dict, in_channels: int,
                         out_channels: int) -> nn.Module:
        """Build a connector, filling in its widths under either spelling
        (mmslkd's ``in_channels``, MMRazor's ``in_channel``)."""
        cfg = dict(cfg)
        connector = MODELS.get(cfg['type']) if isinstance(cfg['type'],
                                                          str) else cfg['type']
        if connector is None:
            raise KeyError(f'Unknown connector type {cfg["type"]!r}.')
        params = inspect.signature(connector).parameters
        for name, value in (('in_channel', in_channels), ('out_channel',
                                                          out_channels)):
            key = name + 's' if name + 's' in params else name
            if key not in params:
                raise TypeError(
                    f'group_hints connector {connector.__name__} takes no '
                    f'{name}(s) argument for the stage widths.')
            cfg.setdefault(key, value)
        return MODELS.build(cfg)

    def _check_record(self, spec: Dict, where: str) -> None:
        if spec.get('teacher_weights'):
            return
        if 'recorder' not in spec or 'from_student' not in spec:
            raise KeyError(f'{where}: a record needs "recorder" and '
                           f'"from_student", got {dict(spec)}.')
        recorder = spec['recorder']
        if spec['from_student']:
            if recorder not in self.student_recorders.recorders:
                raise KeyError(
                    f'{where}: the student has no recorder {recorder!r} '
                    f'(it has {list(self.student_recorders.recorders)}).')
        else:
            teacher = spec.get('teacher')
            if teacher is not None and teacher not in self.teacher_names:
                raise KeyError(
                    f'{where}: unknown teacher {teacher!r}; the teachers '
                    f'are {self.teacher_names}.')
            for name in ([teacher] if teacher else self.teacher_names):
                if recorder not in self.teacher_recorders[name].recorders:
                    raise KeyError(
                        f'{where}: teacher {name!r} has no recorder '
                        f'{recorder!r} (it has '
                        f'{list(self.teacher_recorders[name].recorders)}).')
        connector = spec.get('connector')
        if connector is not None and connector not in self.connectors:
            raise KeyError(f'{where}: unknown connector {connector!r} '
                           f'(connectors: {list(self.connectors)}).')

    def _check_mapping(self, mapping: Dict, forward, where: str) -> None:
        params = inspect.signature(forward).parameters
        lengths = set()
        for key, spec in mapping.items():
            if key not in params:
                raise KeyError(f'{where}: its forward has no argument '
                               f'{key!r} (it takes {list(params)}).')
            specs = spec if isinstance(spec, (list, tuple)) else [spec]
            if isinstance(spec, (list, tuple)):
                lengths.add(len(spec))
            for one in specs:
                self._check_record(one, f'{where}, argument {key!r}')
        if len(lengths) > 1 or 0 in lengths:
            raise ValueError(f'{where}: list-valued arguments must all hold '
                             f'the same, non-zero number of records; got '
                             f'lengths {sorted(lengths)}.')
        missing = [
            k for k, p in params.items()
            if p.default is p.empty and k not in mapping and p.kind not in (
                p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        if missing:
            raise KeyError(f'{where}: loss_forward_mappings gives no record '
                           f'for {missing}.')

    # ------------------------------------------------------------ computing
    def get_record(self,
                   recorder: str = None,
                   from_student: bool = True,
                   teacher: Optional[str] = None,
                   record_idx: int = 0,
                   data_idx: Optional[int] = None,
                   connector: Optional[str] = None,
                   teacher_weights: bool = False) -> torch.Tensor:
        """The tensor a record spec points to (see the class docstring);
        float16/bfloat16 records (AMP) are cast to float32 for the losses."""
        if teacher_weights:
            return self._teacher_weights
        if from_student:
            data = self.student_recorders.get_recorder(
                recorder).get_record_data(record_idx, data_idx)
        elif teacher is not None:
            data = self.teacher_recorders[teacher].get_recorder(
                recorder).get_record_data(record_idx, data_idx)
        else:
            data = torch.stack([
                self.teacher_recorders[name].get_recorder(
                    recorder).get_record_data(record_idx, data_idx)
                for name in self.teacher_names
            ])
        data = to_float32(data)
        if connector is not None:
            data = self.connectors[connector](data)
        return data

    def get_weighting_inputs(self, names) -> Dict[str, torch.Tensor]:
        """The records a weighting rule takes, by input name."""
        missing = [n for n in names if n not in self.weighting_inputs]
        if missing:
            raise KeyError(
                f'The teacher weighting rule takes {list(names)}, but the '
                f'distiller\'s weighting_inputs have no {missing}.')
        return {n: self.get_record(**self.weighting_inputs[n]) for n in names}

    def compute_distill_losses(
            self,
            teacher_weights: Optional[torch.Tensor] = None) -> LossResults:
        """Every mapped loss, from the current records.

        Args:
            teacher_weights (Tensor, optional): (B, K), passed to losses
                whose ``forward`` takes ``teacher_weights``.

        Returns:
            dict[str, Tensor]: Loss name -> value.
        """
        self._teacher_weights = teacher_weights
        losses = dict()
        try:
            for name, mapping in self.loss_forward_mappings.items():
                losses[name] = sum(
                    self.distill_losses[name](**kwargs)
                    for kwargs in self._loss_arguments(
                        mapping, name in self._weighted_losses,
                        teacher_weights))
        finally:
            self._teacher_weights = None
        return losses

    def _loss_arguments(self, mapping: Dict, weighted: bool,
                        teacher_weights: Optional[torch.Tensor]):
        """The keyword arguments of each call of a loss: one call, or one
        per position of list-valued arguments."""
        lists = (list, tuple)
        lengths = [len(v) for v in mapping.values() if isinstance(v, lists)]
        for position in range(lengths[0] if lengths else 1):
            kwargs = {
                k: self.get_record(
                    **(v[position] if isinstance(v, lists) else v))
                for k, v in mapping.items()
            }
            if weighted:
                kwargs['teacher_weights'] = teacher_weights
            yield kwargs

    def forward(self,
                teacher_weights: Optional[torch.Tensor] = None) -> LossResults:
        """Same as :meth:`compute_distill_losses` (one call DDP can see)."""
        return self.compute_distill_losses(teacher_weights)

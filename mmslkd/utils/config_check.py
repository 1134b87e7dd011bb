# Copyright (c) mmslkd contributors. All rights reserved.
"""Check a training config before anything is built, for settings that
MMEngine, MMRazor or Python would accept silently and that would train
something other than what was asked (or fail only after the work is done):
misspelled top-level and hook keys, MMCV 1.x keys that MMEngine ignores,
duplicate keys in dict literals, non-finite or out-of-range numbers in the
optimizer, schedule and upstream losses, a loop that never validates, a
two-stage schedule whose second stage never runs, and distillation teachers
without a checkpoint.

Used by ``tools/train.py`` (:func:`check_train_config`); what needs the
built runner (the dataloader's length, the ``load_from`` keys) is checked by
:func:`mmslkd.utils.check_runner_before_train`.
"""
import ast
import difflib
import inspect
import numbers
import os.path as osp
from typing import Iterable, List, Optional

from mmengine.config import Config

from .validation import (check_loss_options, check_number,
                         require_teacher_checkpoint)

__all__ = [
    'check_train_config', 'KNOWN_TOP_LEVEL_KEYS', 'find_duplicate_dict_keys'
]

#: top-level keys that MMEngine's Runner, MMEngine's Config, mmslkd's tools
#: or the usual OpenMMLab helper variables use
KNOWN_TOP_LEVEL_KEYS = (
    # Runner(...) / Runner.from_cfg / Runner.train
    'model', 'work_dir', 'train_dataloader', 'val_dataloader',
    'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr',
    'optim_wrapper', 'param_scheduler', 'val_evaluator', 'test_evaluator',
    'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'experiment_name',
    'model_wrapper_cfg', 'compile', 'activation_checkpointing',
    'efficient_conv_bn_eval', 'strategy', 'runner_type',
    # MMEngine's Config
    '_base_', 'custom_imports',
    # mmslkd's tools
    'batch_size_is_total',
    # OpenMMLab helper variables
    'vis_backends', 'dataset_type', 'data_root', 'train_pipeline',
    'val_pipeline', 'test_pipeline', 'backend_args', 'file_client_args')

#: MMCV 1.x keys that MMEngine ignores, and what replaces them
MMCV1_KEYS = dict(
    optimizer='optim_wrapper = dict(optimizer=...)',
    optimizer_config='optim_wrapper (clip_grad=..., accumulative_counts=...)',
    lr_config='param_scheduler',
    momentum_config='param_scheduler',
    runner='train_cfg = dict(by_epoch=True, max_epochs=...)',
    total_epochs='train_cfg.max_epochs',
    workflow='train_cfg / val_cfg',
    checkpoint_config='default_hooks.checkpoint',
    log_config='default_hooks.logger',
    evaluation='val_cfg, val_evaluator and train_cfg.val_interval',
    dist_params='env_cfg.dist_cfg',
    resume_from='resume = True with load_from',
    gpu_ids='tools/dist_train.sh CONFIG NUM_GPUS',
    fp16='tools/train.py --amp (AmpOptimWrapper)')


def _suggest(word: str, candidates: Iterable[str], cutoff=0.6) -> str:
    close = difflib.get_close_matches(
        word, list(candidates), n=3, cutoff=cutoff)
    return f' Did you mean {" or ".join(map(repr, close))}?' if close else ''


# ----------------------------------------------------------- top-level keys
def _check_top_level_keys(cfg) -> None:
    known = set(KNOWN_TOP_LEVEL_KEYS)
    for key in cfg.keys():
        if key in known or key.startswith('_'):
            continue
        if key in MMCV1_KEYS:
            if key == 'optimizer' and isinstance(cfg[key], dict) and \
                    'type' in cfg[key] and \
                    'optimizer' in (cfg.get('optim_wrapper') or {}):
                continue  # a helper variable (optim_wrapper has its own)
            if key == 'data' and not (isinstance(cfg[key], dict) and
                                      'train' in cfg[key]):
                continue
            raise KeyError(
                f'Top-level config key {key!r} is an MMCV 1.x setting that '
                'MMEngine ignores, so the run would silently go without it. '
                f'Use {MMCV1_KEYS[key]} instead.')
        close = difflib.get_close_matches(key, known, n=3, cutoff=0.8)
        if close:
            raise KeyError(
                f'Unknown top-level config key {key!r}: neither MMEngine\'s '
                'Runner nor mmslkd\'s tools read it, so it would be ignored. '
                f'Did you mean {" or ".join(map(repr, close))}? Fix the name '
                '(in the config or in --cfg-options).')


# -------------------------------------------------------- duplicate keys
def _base_files(filename: str, tree: ast.Module) -> List[str]:
    """The ``_base_`` files a config file names (those that resolve)."""
    found = []
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == '_base_'
                for t in node.targets)):
            continue
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            continue
        for base in [value] if isinstance(value, str) else list(value):
            try:
                path, _ = Config._get_cfg_path(base, filename)
            except Exception:  # not resolvable here: nothing to scan
                continue
            found.append(osp.join(osp.dirname(filename), path))
    return found


def find_duplicate_dict_keys(filename: str) -> List[str]:
    """Keys written twice in one dict literal (``{'a': 1, 'a': 2}``) in a
    Python config file and its ``_base_`` files: Python keeps the last one
    without a word. (``dict(a=1, a=2)`` is already a SyntaxError.)

    Args:
        filename (str): The config file.

    Returns:
        list[str]: ``'file:line: key'`` for each repeated key.
    """
    found, seen, todo = [], set(), [filename]
    while todo:
        path = osp.abspath(todo.pop())
        if path in seen or not path.endswith('.py') or not osp.isfile(path):
            continue
        seen.add(path)
        try:
            with open(path, encoding='utf-8') as f:
                tree = ast.parse(f.read(), path)
        except (SyntaxError, UnicodeDecodeError):
            continue  # MMEngine reports those itself
        todo += _base_files(path, tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            keys = [
                k.value for k in node.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
            for key in sorted({k for k in keys if keys.count(k) > 1}):
                found.append(f'{path}:{node.lineno}: {key!r}')
    return found


def _check_duplicate_keys(cfg) -> None:
    filename = getattr(cfg, 'filename', None)
    if not filename:
        return
    duplicates = find_duplicate_dict_keys(filename)
    if duplicates:
        raise KeyError(
            'A dict literal in the config gives the same key twice, and '
            'Python silently keeps only the last value (e.g. two teachers '
            f'with the same name lose one): {"; ".join(duplicates)}. Give '
            'each entry its own key.')


# ------------------------------------------------------------------ hooks
def _hook_class(type_, scope: str):
    if not isinstance(type_, str):
        return type_ if inspect.isclass(type_) else None
    from mmengine.registry import DefaultScope

    from mmslkd.registry import HOOKS
    with DefaultScope.overwrite_default_scope(scope):
        return HOOKS.get(type_)


def _accepted_arguments(cls) -> Optional[List[str]]:
    """The keyword arguments a hook takes; None when it takes any."""
    params = inspect.signature(cls.__init__).parameters
    names = [n for n in params if n != 'self']
    if any(params[n].kind == params[n].VAR_KEYWORD for n in names):
        from mmengine.hooks import CheckpointHook
        if not issubclass(cls, CheckpointHook):
            return None
        # CheckpointHook passes **kwargs to Runner.save_checkpoint, whose
        # other arguments it sets itself: a typo fails at the first save
        names = [n for n in names if params[n].kind != params[n].VAR_KEYWORD]
    return [
        n for n in names
        if params[n].kind not in (params[n].VAR_KEYWORD,
                                  params[n].VAR_POSITIONAL)
    ]


def _check_hook(hook_cfg, where: str, scope: str) -> None:
    if not isinstance(hook_cfg, dict) or 'type' not in hook_cfg:
        return
    cls = _hook_class(hook_cfg['type'], scope)
    if cls is None:
        return  # the registry reports an unknown type itself
    takes = _accepted_arguments(cls)
    if takes is None:
        return
    for key in hook_cfg:
        if key not in ('type', 'priority') and key not in takes:
            raise TypeError(
                f'{where} ({cls.__name__}) has no argument {key!r}.'
                f'{_suggest(key, takes)} It takes: {", ".join(takes)}. '
                'Fix the key in the config (it would fail only when the hook '
                'first uses it, e.g. at the first checkpoint).')
    for key in ('interval', ):
        value = hook_cfg.get(key)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            check_number(key, value, where, integer=True)
            if value == 0:
                raise ValueError(
                    f'{where}: interval=0 never triggers. Use a positive '
                    'interval (or -1 where the hook reads it as "never").')


def _check_hooks(cfg) -> None:
    scope = cfg.get('default_scope') or 'mmslkd'
    for name, hook_cfg in (cfg.get('default_hooks') or {}).items():
        _check_hook(hook_cfg, f'default_hooks.{name}', scope)
    for i, hook_cfg in enumerate(cfg.get('custom_hooks') or []):
        _check_hook(hook_cfg, f'custom_hooks[{i}]', scope)


# ------------------------------------------------------------------ loops
def _check_train_cfg(cfg) -> None:
    train_cfg = cfg.get('train_cfg')
    if not train_cfg:
        return
    from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop
    train_cfg = dict(train_cfg)
    if 'type' in train_cfg:
        loop = {
            'EpochBasedTrainLoop': EpochBasedTrainLoop,
            'IterBasedTrainLoop': IterBasedTrainLoop
        }.get(str(train_cfg['type']).split('.')[-1])
    else:
        by_epoch = train_cfg.get('by_epoch', True)
        loop = EpochBasedTrainLoop if by_epoch else IterBasedTrainLoop
    if loop is None:
        return
    takes = [
        n for n in inspect.signature(loop.__init__).parameters
        if n not in ('self', 'runner', 'dataloader')
    ]
    for key in train_cfg:
        if key not in takes + ['type', 'by_epoch']:
            raise TypeError(
                f'train_cfg has no key {key!r} ({loop.__name__} takes '
                f'{", ".join(takes)}).{_suggest(key, takes)}')
    for key in ('max_epochs', 'max_iters', 'val_interval', 'val_begin'):
        if key in train_cfg:
            check_number(
                key,
                train_cfg[key],
                'train_cfg',
                integer=True,
                positive=key != 'val_begin',
                why='the loop counts in whole steps; 0 would never train or '
                'divide by zero when deciding to validate')


# -------------------------------------------------------------- optimizer
#: optimizer and schedule options that must be numbers
_NUMERIC = ('lr', 'momentum', 'weight_decay', 'lr_mult', 'decay_mult',
            'max_norm', 'eps', 'gamma', 'eta_min', 'factor', 'start_factor',
            'end_factor', 'base_batch_size', 'dampening')


def _walk_numbers(value, path: str):
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _walk_numbers(sub, f'{path}.{key}')
    elif isinstance(value, (list, tuple)):
        for i, sub in enumerate(value):
            yield from _walk_numbers(sub, f'{path}[{i}]')
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        yield path, value
    elif isinstance(value, str) and path.rsplit('.', 1)[-1] in _NUMERIC:
        yield path, value  # a number in quotes: check_number says so


def _check_optimizer_types(value, path: str, scope: str) -> None:
    """Every ``optimizer.type`` is registered (MMEngine's constructor
    otherwise fails with "None is not a callable object")."""
    if not isinstance(value, dict):
        return
    optimizer = value.get('optimizer')
    if isinstance(optimizer, dict) and isinstance(optimizer.get('type'), str):
        from mmengine.registry import OPTIMIZERS, DefaultScope
        with DefaultScope.overwrite_default_scope(scope):
            known = OPTIMIZERS.get(optimizer['type'])
        if known is None:
            from .build_errors import _names_in_registry
            name = optimizer['type']
            raise KeyError(
                f'Unknown optimizer type {name!r} in {path}.optimizer: it is '
                'not registered.'
                f'{_suggest(name, _names_in_registry("optimizer"))} Fix '
                '`type` (torch.optim names such as SGD, AdamW are registered '
                'by MMEngine).')
    for key, sub in value.items():
        if key != 'optimizer':
            _check_optimizer_types(sub, f'{path}.{key}', scope)


def _check_optimizer(cfg) -> None:
    _check_optimizer_types(
        cfg.get('optim_wrapper'), 'optim_wrapper',
        cfg.get('default_scope') or 'mmslkd')
    for top in ('optim_wrapper', 'param_scheduler', 'auto_scale_lr'):
        for path, value in _walk_numbers(cfg.get(top), top):
            name = path.rsplit('.', 1)[-1]
            if name == 'lr':
                check_number(
                    path,
                    value,
                    positive=True,
                    why='with lr <= 0 nothing learns, or learns backwards')
            elif name in ('weight_decay', 'momentum', 'lr_mult', 'decay_mult',
                          'base_batch_size', 'max_norm'):
                check_number(path, value, non_negative=True)
            else:
                check_number(path, value)


# ------------------------------------------------------------------ model
def _check_teachers(model: dict) -> None:
    where = str(model.get('type', 'the algorithm'))
    if isinstance(model.get('teacher'), dict):
        require_teacher_checkpoint(
            model.get('teacher_ckpt'), 'model.teacher_ckpt', where)
    teachers = model.get('teachers')
    if isinstance(teachers, dict):
        for name, spec in teachers.items():
            if isinstance(spec, dict) and isinstance(spec.get('model'), dict):
                require_teacher_checkpoint(
                    spec.get('ckpt'), f'model.teachers.{name}.ckpt', where)


def _check_model_losses(model: dict) -> None:
    distiller = model.get('distiller')
    if isinstance(distiller, dict):
        for name, loss in (distiller.get('distill_losses') or {}).items():
            if isinstance(loss, dict):
                check_loss_options(
                    loss, f'model.distiller.distill_losses.{name} '
                    f'({loss.get("type")})')
    for name in ('teacher_loss', 'self_learning_teacher_loss', 'fused_loss'):
        if isinstance(model.get(name), dict):
            check_loss_options(model[name],
                               f'model.{name} ({model[name].get("type")})')


def _check_two_stage(cfg) -> None:
    model = cfg.get('model') or {}
    if model.get('training_mode') != 'two_stage':
        return
    stage = model.get('self_learning_teacher_epochs')
    train_cfg = cfg.get('train_cfg') or {}
    if not train_cfg.get('by_epoch', True) or 'max_iters' in train_cfg:
        raise ValueError(
            "training_mode='two_stage' switches stages by epoch "
            '(self_learning_teacher_epochs), but train_cfg is '
            'iteration-based. Use train_cfg = dict(by_epoch=True, '
            'max_epochs=...).')
    max_epochs = train_cfg.get('max_epochs')
    if isinstance(stage, int) and isinstance(max_epochs, int) and \
            stage >= max_epochs:
        raise ValueError(
            f'model.self_learning_teacher_epochs = {stage} >= '
            f'train_cfg.max_epochs = {max_epochs}: the second stage never '
            'starts, so the student would never train. Make the first '
            'stage shorter than the run (e.g. --cfg-options '
            f'model.self_learning_teacher_epochs={max(1, max_epochs // 2)}).')


def _check_dataloaders(cfg) -> None:
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if isinstance(loader, dict) and 'batch_size' in loader:
            check_number(
                'batch_size',
                loader['batch_size'],
                key,
                positive=True,
                integer=True)


def check_train_config(cfg) -> None:
    """Fail before anything is built when a training config would train
    something other than what it says, or fail only after the work is done.

    Args:
        cfg (mmengine.Config): The full training config (after
            ``--cfg-options``).

    Raises:
        KeyError | TypeError | ValueError: The first problem found, with a
        message naming it and the fix.
    """
    _check_top_level_keys(cfg)
    _check_duplicate_keys(cfg)
    _check_hooks(cfg)
    _check_train_cfg(cfg)
    _check_optimizer(cfg)
    _check_dataloaders(cfg)
    model = cfg.get('model')
    if isinstance(model, dict):
        _check_teachers(model)
        _check_model_losses(model)
    _check_two_stage(cfg)

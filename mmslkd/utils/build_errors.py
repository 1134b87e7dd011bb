# Copyright (c) mmslkd contributors. All rights reserved.
"""Turn the terse errors that building a config can raise upstream
(registry misses, misspelled arguments, MMRazor's recorder assertions) into
messages that name the problem and the fix, with suggestions."""
import difflib
import inspect
import re
from typing import List, Optional

__all__ = ['explain_build_error', 'build_runner']


def _model_registries():
    """(scope, registry) of the model registries configs build from."""
    from mmpretrain.registry import MODELS as PRETRAIN_MODELS
    from mmrazor.registry import MODELS as RAZOR_MODELS

    from mmslkd.registry import MODELS
    return (('mmslkd', MODELS), ('mmrazor', RAZOR_MODELS), ('mmpretrain',
                                                            PRETRAIN_MODELS))


def _registered_names() -> List[str]:
    names = []
    for scope, registry in _model_registries():
        names += [f'{scope}.{name}' for name in registry.module_dict]
        names += list(registry.module_dict)
    return names


def _names_in_registry(label: str) -> List[str]:
    """Every name registered in the registry an error names (``'scope::
    name'``, e.g. ``'mmengine::optimizer'``), in all its scopes."""
    import mmengine.registry as root
    from mmengine.registry import Registry
    name = label.split('::')[-1]
    names = []

    def visit(registry):
        names.extend(registry.module_dict)
        names.extend(f'{registry.scope}.{k}' for k in registry.module_dict)
        for child in registry.children.values():
            visit(child)

    for value in vars(root).values():
        if isinstance(value, Registry) and value.name == name and \
                value.parent is None:
            visit(value)
    return names


def _find_class(name: str):
    for _, registry in _model_registries():
        if name in registry.module_dict:
            return registry.module_dict[name]
    return None


def _suggest(word: str, candidates) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    return f' Did you mean {" or ".join(map(repr, close))}?' if close else ''


def explain_build_error(err: BaseException) -> Optional[Exception]:
    """A clearer error for a known upstream build error, or None.

    Args:
        err (BaseException): What building the runner raised.

    Returns:
        Exception | None: An error of the same kind whose message names the
        problem and the fix, or None when ``err`` is not one of the known
        terse errors (then re-raise it as it is).
    """
    message = str(err)
    found = re.search(
        r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'",
        message)
    if found:
        cls_name, key = found.groups()
        cls = _find_class(cls_name)
        takes = [] if cls is None else [
            p for p in inspect.signature(cls.__init__).parameters
            if p not in ('self', 'args', 'kwargs')
        ]
        listing = f' It takes: {", ".join(takes)}.' if takes else ''
        return TypeError(
            f'{cls_name} has no argument {key!r}.{_suggest(key, takes)}'
            f'{listing} Fix or remove that key in the config.')
    found = re.search(r'([\w.]+) is not in the (\S+) registry', message)
    if found:
        name, registry = found.groups()
        candidates = _names_in_registry(registry) or _registered_names()
        return KeyError(
            f'Unknown type {name!r}: nothing of that name is registered.'
            f'{_suggest(name, candidates)} Fix `type` in the '
            'config (a scope prefix such as mmslkd., mmrazor. or mmpretrain. '
            'selects the registry), or import the module that registers it '
            '(custom_imports).')
    found = re.search(r'"(.+)" is not in the model', message)
    if found:
        source = found.group(1)
        return KeyError(
            f'Recorder source {source!r} is not a module of the network it '
            'records. Fix `source` in the distiller\'s student_recorders / '
            'teacher_recorders: a module path such as "head.fc" or '
            '"backbone.layer3" (list them with [name for name, _ in '
            'model.named_modules()]).')
    found = re.search(r'For (\w+), "(\w+)" must be in\s+`(\w+)`', message)
    if found:
        argument, recorder, recorders = found.groups()
        return KeyError(
            f'loss_forward_mappings: {argument} reads the recorder '
            f'{recorder!r}, which is not among the distiller\'s {recorders}. '
            f'Add a recorder named {recorder!r} there, or map {argument} to '
            'one of the configured recorders.')
    return None


def build_runner(cfg):
    """Build the Runner of a config (``runner_type`` if it names one), with
    known terse build errors rewritten by :func:`explain_build_error`.

    Args:
        cfg (Config): The full config.

    Returns:
        Runner: The runner.
    """
    from mmengine.runner import Runner

    from mmslkd.registry import RUNNERS
    try:
        return RUNNERS.build(cfg) if 'runner_type' in cfg else \
            Runner.from_cfg(cfg)
    except Exception as err:
        clearer = explain_build_error(err)
        if clearer is None:
            raise
        raise clearer from err

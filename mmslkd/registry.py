# Copyright (c) mmslkd contributors. All rights reserved.
"""mmslkd's registries: children of MMRazor's, in the scope ``mmslkd``.

With ``default_scope = 'mmslkd'`` a config builds mmslkd's types by their
plain names, MMRazor's and MMEngine's through the parent chain, and any other
OpenMMLab codebase's with its prefix (``mmpretrain.ImageClassifier``) or a
``_scope_='mmpretrain'`` key for nested builds.
"""
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import Registry
from mmrazor import registry as razor

__all__ = [
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'WEIGHT_INITIALIZERS', 'MODELS',
    'MODEL_WRAPPERS', 'DATASETS', 'DATA_SAMPLERS', 'TRANSFORMS', 'FUNCTIONS',
    'HOOKS', 'LOOPS', 'METRICS', 'OPTIMIZERS', 'OPTIM_WRAPPERS',
    'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS', 'TASK_UTILS',
    'VISUALIZERS', 'VISBACKENDS', 'register_all_modules'
]

_SCOPE = 'mmslkd'


def _child(name, parent, location=None):
    locations = [f'mmslkd.{location}'] if location else []
    return Registry(name, parent=parent, scope=_SCOPE, locations=locations)


# runners
RUNNERS = _child('runner', razor.RUNNERS)
RUNNER_CONSTRUCTORS = _child('runner constructor', razor.RUNNER_CONSTRUCTORS)
# networks, algorithms, distillers, losses, recorders, teacher weighting
MODELS = _child('model', razor.MODELS, 'models')
MODEL_WRAPPERS = _child('model_wrapper', razor.MODEL_WRAPPERS, 'models')
TASK_UTILS = _child('task util', razor.TASK_UTILS, 'models')
WEIGHT_INITIALIZERS = _child('weight initializer', razor.WEIGHT_INITIALIZERS)
# data
DATASETS = _child('dataset', razor.DATASETS, 'datasets')
DATA_SAMPLERS = _child('data sampler', razor.DATA_SAMPLERS, 'datasets')
TRANSFORMS = _child('transform', razor.TRANSFORMS, 'datasets')
# collate functions (MMRazor has no FUNCTIONS registry of its own)
FUNCTIONS = _child('function', MMENGINE_FUNCTIONS, 'datasets')
# training machinery
HOOKS = _child('hook', razor.HOOKS, 'engine')
LOOPS = _child('loop', razor.LOOPS, 'engine')
OPTIMIZERS = _child('optimizer', razor.OPTIMIZERS, 'engine')
OPTIM_WRAPPERS = _child('optim_wrapper', razor.OPTIM_WRAPPERS, 'engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    razor.OPTIM_WRAPPER_CONSTRUCTORS, 'engine')
PARAM_SCHEDULERS = _child('parameter scheduler', razor.PARAM_SCHEDULERS,
                          'engine')
METRICS = _child('metric', razor.METRICS)
VISUALIZERS = _child('visualizer', razor.VISUALIZERS)
VISBACKENDS = _child('vis_backend', razor.VISBACKENDS)


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every module that registers into mmslkd's (and the upstream
    codebases') registries.

    Args:
        init_default_scope (bool): Whether to make ``mmslkd`` the default
            scope if no scope is set yet. Defaults to True.
    """
    import mmpretrain.datasets  # noqa: F401
    import mmpretrain.evaluation  # noqa: F401
    import mmpretrain.models  # noqa: F401
    import mmrazor.engine  # noqa: F401
    import mmrazor.models  # noqa: F401

    import mmslkd.datasets  # noqa: F401
    import mmslkd.engine  # noqa: F401
    import mmslkd.models  # noqa: F401
    if init_default_scope:
        from mmengine.registry import DefaultScope
        if DefaultScope.get_current_instance() is None:
            DefaultScope.get_instance('mmslkd', scope_name=_SCOPE)

# Copyright (c) mmslkd contributors. All rights reserved.
"""mmslkd: multi-teacher and self-learning-teacher distillation for MMRazor.

Importing the package first checks that mmcv is installed
(:mod:`mmslkd.dependencies`), then applies the upstream fixes
(:mod:`mmslkd.compat`), then registers every mmslkd module in the
``mmslkd`` registry scope.
"""
import warnings

from .dependencies import check_mmcv

check_mmcv()

from . import compat  # noqa: E402

# mmcv-lite has no compiled ops; nothing in mmslkd needs them, so its import
# warning about MultiScaleDeformableAttention is only noise here.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')
compat.apply_all()

from .registry import register_all_modules  # noqa: E402
from .version import __version__, version_info  # noqa: E402

register_all_modules(init_default_scope=False)

__all__ = ['__version__', 'version_info', 'register_all_modules']

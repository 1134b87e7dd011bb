# Copyright (c) mmslkd contributors. All rights reserved.
"""``mmslkd.utils.register_all_modules``, where MMEngine looks for it
(``cfg_path='mmslkd::...'`` and registries without import locations), and
the environment settings our tools resolve before building a Runner."""
import torch

from mmslkd.registry import register_all_modules

__all__ = ['register_all_modules', 'resolve_dist_backend']


def resolve_dist_backend(cfg) -> str:
    """Name the distributed backend that will really run.

    Configs ask for ``env_cfg.dist_cfg.backend='nccl'`` (GPUs); on a machine
    without CUDA torch.distributed runs gloo instead (see
    :func:`mmslkd.compat.fix_cpu_distributed`). Write that into the config,
    so that the Runner's environment dump and the saved config say gloo.

    Args:
        cfg (mmengine.Config): The config; changed in place.

    Returns:
        str: The backend (None-safe: ``''`` when the config names none).
    """
    env_cfg = cfg.get('env_cfg') or {}
    dist_cfg = env_cfg.get('dist_cfg') or {}
    backend = dist_cfg.get('backend', '')
    if backend == 'nccl' and not torch.cuda.is_available():
        cfg.env_cfg.dist_cfg.backend = backend = 'gloo'
    return backend

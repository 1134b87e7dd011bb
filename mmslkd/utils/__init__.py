# Copyright (c) mmslkd contributors. All rights reserved.
from .build_errors import build_runner, explain_build_error
from .checkpoint import (CheckpointError, check_resumable_checkpoint,
                         describe_state_dict_mismatch,
                         drop_teacher_checkpoints, extract_state_dict,
                         find_resumable_checkpoint, is_complete_checkpoint,
                         load_checkpoint_strictly, load_teacher_checkpoint,
                         safe_torch_load)
from .config_check import check_train_config
from .launcher import (check_launcher_env, launcher_world_size,
                       split_total_batch)
from .runner_check import check_runner_before_train
from .setup_env import register_all_modules, resolve_dist_backend
from .validation import (RANDOM_TEACHER, check_loss_options, check_number,
                         check_weights, require_teacher_checkpoint)

__all__ = [
    'CheckpointError', 'safe_torch_load', 'extract_state_dict',
    'load_teacher_checkpoint', 'describe_state_dict_mismatch',
    'register_all_modules', 'check_launcher_env', 'is_complete_checkpoint',
    'find_resumable_checkpoint', 'explain_build_error',
    'load_checkpoint_strictly', 'build_runner', 'drop_teacher_checkpoints',
    'launcher_world_size', 'split_total_batch', 'resolve_dist_backend',
    'check_train_config', 'check_runner_before_train', 'RANDOM_TEACHER',
    'check_number', 'check_weights', 'check_loss_options',
    'require_teacher_checkpoint', 'check_resumable_checkpoint'
]

# Copyright (c) mmslkd contributors. All rights reserved.
from .base_loss_weight_hook import BaseLossWeightHook, find_loss_modules
from .channels_last_hook import ChannelsLastHook
from .compile_modules_hook import CompileModulesHook
from .distill_loss_warmup_hook import DistillLossWarmupHook
from .epoch_reseed_hook import EpochReseedHook, reseed_all
from .freeze_modules_hook import FreezeModulesHook
from .input_size_check_hook import InputSizeCheckHook, find_sized_backbones
from .keep_freed_memory_hook import KeepFreedMemoryHook
from .loss_weight_phase_hook import LossWeightPhaseHook
from .non_finite_guard_hook import NonFiniteGuardHook, non_finite_tensors
from .num_classes_check_hook import NumClassesCheckHook, find_classifiers
from .trajectory_check_hook import TrajectoryCheckHook
from .trajectory_recorder_hook import TrajectoryRecorderHook

__all__ = [
    'BaseLossWeightHook', 'ChannelsLastHook', 'CompileModulesHook',
    'DistillLossWarmupHook', 'EpochReseedHook', 'FreezeModulesHook',
    'InputSizeCheckHook', 'KeepFreedMemoryHook', 'LossWeightPhaseHook',
    'NonFiniteGuardHook', 'NumClassesCheckHook', 'find_classifiers',
    'find_loss_modules', 'find_sized_backbones', 'non_finite_tensors',
    'reseed_all', 'TrajectoryCheckHook', 'TrajectoryRecorderHook'
]

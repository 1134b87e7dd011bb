# Copyright (c) mmslkd contributors. All rights reserved.
from .builders import (build_model_and_optimizer, random_batch,
                       scale_learning_rates)
from .end_to_end import PlainCIFAR, benchmark_end_to_end
from .memory import PeakMemory
from .phase_hooks import time_phases
from .reference_step import (PHASES, PhaseClock, ReferenceStep,
                             UnsupportedConfigError)
from .step_benchmark import benchmark_step

__all__ = [
    'PHASES', 'PeakMemory', 'PhaseClock', 'PlainCIFAR', 'ReferenceStep',
    'UnsupportedConfigError', 'benchmark_end_to_end', 'benchmark_step',
    'build_model_and_optimizer', 'random_batch', 'scale_learning_rates',
    'time_phases'
]

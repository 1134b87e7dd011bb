# Copyright (c) mmslkd contributors. All rights reserved.
from .distill_val_loop import DistillValLoop
from .epoch_seeded_workers import EpochSeededWorkerInit, seed_worker

__all__ = ['DistillValLoop', 'EpochSeededWorkerInit', 'seed_worker']

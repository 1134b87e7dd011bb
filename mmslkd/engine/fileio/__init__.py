# Copyright (c) mmslkd contributors. All rights reserved.
from .atomic_local_backend import AtomicLocalBackend, remove_stale_partials

__all__ = ['AtomicLocalBackend', 'remove_stale_partials']

# Copyright (c) mmslkd contributors. All rights reserved.
import ctypes
import ctypes.util

# mallopt parameters of glibc's malloc.h
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: glibc's largest mmap threshold on 64-bit systems
_MMAP_THRESHOLD_MAX = 32 * 2**20


def keep_freed_memory(trim_threshold: int = 2**31 - 1) -> bool:
    """Make glibc's malloc keep freed memory in the process.

    By default glibc serves blocks above a (dynamic) size with fresh
    ``mmap`` pages and returns freed heap tops to the OS, so every training
    step on CPU faults its large activation buffers in again (measured: up
    to 8% of a resnet56 -> resnet20 KD step, docs/benchmark.md). Raising the
    mmap threshold to its maximum (32 MiB) and the trim threshold keeps the
    memory for reuse; resident memory then stays at its peak. The same as
    ``MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=...`` in the
    environment, applied at run time.

    Args:
        trim_threshold (int): Free bytes at the heap top before glibc
            returns them. Defaults to 2^31 - 1.

    Returns:
        bool: Whether glibc accepted both settings (False elsewhere, e.g.
        with musl or on macOS).
    """
    name = ctypes.util.find_library('c')
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
        and mallopt(_M_TRIM_THRESHOLD, trim_threshold))

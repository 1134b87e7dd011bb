# Copyright (c) mmslkd contributors. All rights reserved.
import torch


def _status_kb(field: str) -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise KeyError(field)


class PeakMemory:
    """Peak memory of the code run inside ``with``, above its start level:
    the resident-set peak on CPU (Linux ``VmHWM``, reset through
    ``/proc/self/clear_refs``), the caching allocator's peak on CUDA.

    Args:
        device (str): ``'cpu'`` or a CUDA device.
    """

    def __init__(self, device: str = 'cpu') -> None:
        self.on_gpu = str(device).startswith('cuda')
        self.megabytes = 0.0

    def __enter__(self) -> 'PeakMemory':
        if self.on_gpu:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self._base = torch.cuda.memory_allocated()
        else:
            with open('/proc/self/clear_refs', 'w') as f:
                f.write('5')  # VmHWM := current RSS
            self._base = _status_kb('VmRSS') * 1024
        return self

    def __exit__(self, *exc) -> None:
        if self.on_gpu:
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated()
        else:
            peak = _status_kb('VmHWM') * 1024
        self.megabytes = max(peak - self._base, 0) / 2**20

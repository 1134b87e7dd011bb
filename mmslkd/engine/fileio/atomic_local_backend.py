# Copyright (c) mmslkd contributors. All rights reserved.
import os
import os.path as osp
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


class AtomicLocalBackend(LocalBackend):
    """MMEngine's local file backend, with crash-safe writes.

    ``put`` writes to ``<file>.partial`` in the same folder, flushes it to
    disk, then renames it over ``<file>`` (``os.replace``: atomic on POSIX
    and Windows). A process killed while saving a checkpoint therefore
    leaves the previous version of the file (or no file), never a truncated
    one; a stale ``.partial`` is ignored by resuming. Everything else is
    :class:`mmengine.fileio.LocalBackend`.

    Checkpoints use it through the checkpoint hook's ``backend_args``, as
    ``configs/_base_/default_runtime.py`` sets:
    ``default_hooks.checkpoint.backend_args = dict(backend='atomic_local')``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write ``obj`` to ``filepath`` atomically.

        Args:
            obj (bytes): The data.
            filepath (str | Path): Destination; its folder is created.
        """
        filepath = str(filepath)
        os.makedirs(osp.dirname(osp.abspath(filepath)), exist_ok=True)
        partial = filepath + '.partial'
        try:
            with open(partial, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, filepath)
        except BaseException:
            if osp.exists(partial):
                os.remove(partial)
            raise


register_backend('atomic_local', AtomicLocalBackend)

# Copyright (c) mmslkd contributors. All rights reserved.
import glob
import os
import os.path as osp
import time
from pathlib import Path
from typing import List, Optional, Set, Union

from mmengine.fileio import LocalBackend, register_backend
from mmengine.logging import print_log

#: when this process started writing (partial files older than this were
#: left by a process that died while writing)
_STARTED = time.time()


def remove_stale_partials(folder: str,
                          older_than: Optional[float] = None) -> List[str]:
    """Remove the ``*.partial`` files a killed writer left in ``folder``.

    Args:
        folder (str): The folder.
        older_than (float, optional): Only files last modified before this
            time (seconds since the epoch); defaults to this process's
            start, so a file another live process is writing is kept.

    Returns:
        list[str]: The removed files.
    """
    older_than = _STARTED if older_than is None else older_than
    removed = []
    for partial in glob.glob(osp.join(glob.escape(folder), '*.partial')):
        try:
            if osp.getmtime(partial) < older_than:
                os.remove(partial)
                removed.append(partial)
        except OSError:
            pass  # gone meanwhile
    return removed


class AtomicLocalBackend(LocalBackend):
    """MMEngine's local file backend, with crash-safe writes.

    ``put`` writes to ``<file>.partial`` in the same folder, flushes it to
    disk, then renames it over ``<file>`` (``os.replace``: atomic on POSIX
    and Windows). A process killed while saving a checkpoint therefore
    leaves the previous version of the file (or no file), never a truncated
    one. The ``.partial`` files such a kill leaves behind are ignored by
    resuming and removed at the process's first write into their folder
    (those last modified before the process started). Everything else is
    :class:`mmengine.fileio.LocalBackend`.

    Checkpoints use it through the checkpoint hook's ``backend_args``, as
    ``configs/_base_/default_runtime.py`` sets:
    ``default_hooks.checkpoint.backend_args = dict(backend='atomic_local')``.
    """

    _cleaned: Set[str] = set()  # folders cleared of stale partial files

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write ``obj`` to ``filepath`` atomically.

        Args:
            obj (bytes): The data.
            filepath (str | Path): Destination; its folder is created.
        """
        filepath = str(filepath)
        folder = osp.dirname(osp.abspath(filepath))
        os.makedirs(folder, exist_ok=True)
        if folder not in AtomicLocalBackend._cleaned:
            AtomicLocalBackend._cleaned.add(folder)
            removed = remove_stale_partials(folder)
            if removed:
                print_log(
                    'Removed partial file(s) that an interrupted save left: '
                    f'{", ".join(osp.basename(f) for f in removed)}',
                    logger='current')
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

# Copyright (c) mmslkd contributors. All rights reserved.
"""Read the scalar logs MMEngine writes for a run (``vis_data/scalars.json``
of ``LocalVisBackend``, or the TensorBoard event files of
``TensorboardVisBackend``, which need the optional ``tensorboard`` package)
into per-network accuracy curves and per-term loss curves.

MMPretrain's ``load_json_log`` tells training records from validation ones by
an ``lr`` key, which runs with several optimizers (``OptimWrapperDict``: SLKD*,
AMTML's adapter) do not have (they log ``architecture.lr``); here training
records are the ones with an ``iter`` key. A resumed run writes a new
timestamped folder; the folders are read in order and a later record replaces
an earlier one of the same step.
"""
import glob
import json
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Tuple

__all__ = [
    'find_scalar_logs', 'find_tensorboard_logs', 'read_tensorboard_scalars',
    'load_training_log', 'accuracy_curves', 'loss_curves'
]

TENSORBOARD_PATTERN = 'events.out.tfevents.*'

Curve = Tuple[List[float], List[float]]


def find_scalar_logs(work_dir: str) -> List[str]:
    """The ``scalars.json`` files of a work dir, oldest first.

    Args:
        work_dir (str): A run's work dir (holding ``<timestamp>/vis_data``),
            or a ``scalars.json`` file.

    Returns:
        list[str]: Paths of the logs.

    Raises:
        FileNotFoundError: There is none.
    """
    if osp.isfile(work_dir) and not osp.basename(work_dir).startswith(
            'events.out.tfevents.'):
        return [work_dir]
    logs = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not logs:
        raise FileNotFoundError(
            f'No MMEngine scalar log under {work_dir!r}: expected '
            '<work_dir>/<timestamp>/vis_data/scalars.json (LocalVisBackend) '
            f'or {TENSORBOARD_PATTERN} files (TensorboardVisBackend). Is it '
            'the work dir of a training run, and does its config log with '
            'one of these vis_backends?')
    return logs


def find_tensorboard_logs(work_dir: str) -> List[str]:
    """The TensorBoard event files of a work dir, oldest first.

    Args:
        work_dir (str): A run's work dir (MMEngine's
            ``TensorboardVisBackend`` writes into
            ``<timestamp>/vis_data``), or one event file.

    Returns:
        list[str]: Paths of the event files (empty if none).
    """
    if osp.isfile(work_dir):
        return [work_dir] if osp.basename(work_dir).startswith(
            'events.out.tfevents.') else []
    return sorted(
        glob.glob(
            osp.join(work_dir, '**', TENSORBOARD_PATTERN), recursive=True))


def read_tensorboard_scalars(path: str) -> List[dict]:
    """A TensorBoard event file as the records of ``scalars.json``.

    MMEngine writes one ``add_scalar`` per key of each logged dict, in
    order and with one step; consecutive values of one step form a record
    until a key repeats. Values are float32 in TensorBoard (``lr`` 0.05
    reads 0.0500000007).

    Args:
        path (str): An ``events.out.tfevents.*`` file.

    Returns:
        list[dict]: Records with a ``step`` key, in file order.

    Raises:
        ImportError: The ``tensorboard`` package is not installed.
    """
    try:
        from tensorboard.backend.event_processing.event_file_loader import \
            EventFileLoader
        from tensorboard.util import tensor_util
    except ImportError as err:
        raise ImportError(
            f'{path} is a TensorBoard log (this run logged with '
            'TensorboardVisBackend only); reading it needs the optional '
            'tensorboard package: pip install tensorboard (or '
            'pip install -r requirements/optional.txt).') from err
    records: List[dict] = []
    current: dict = {}
    for event in EventFileLoader(path).Load():
        for value in event.summary.value:
            if value.HasField('simple_value'):
                number = float(value.simple_value)
            else:
                number = float(tensor_util.make_ndarray(value.tensor))
            if not current or event.step != current['step'] or \
                    value.tag in current:
                current = {'step': int(event.step)}
                records.append(current)
            current[value.tag] = number
    for record in records:
        for key in ('iter', 'epoch'):
            if key in record:
                record[key] = int(record[key])
    return records


def load_training_log(work_dir: str) -> Dict[str, List[dict]]:
    """Training and validation records of a run.

    Args:
        work_dir (str): A run's work dir, one ``scalars.json`` or one
            TensorBoard event file. ``scalars.json`` is read when there is
            one, else the TensorBoard event files.

    Returns:
        dict: ``train`` (records with ``iter``, by step) and ``val`` (the
        others, by epoch), each a list of dicts sorted by ``step``.
    """
    train, val = OrderedDict(), OrderedDict()
    tensorboard = find_tensorboard_logs(work_dir)
    try:
        logs = find_scalar_logs(work_dir)
    except FileNotFoundError:
        if not tensorboard:
            raise
        logs = []
    readers = [(log, _read_json_lines) for log in logs] or \
        [(log, read_tensorboard_scalars) for log in tensorboard]
    for log, read in readers:
        for record in read(log):
            (train if 'iter' in record else val)[record['step']] = record
    return dict(
        train=[train[k] for k in sorted(train)],
        val=[val[k] for k in sorted(val)])


def _read_json_lines(path: str) -> List[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def accuracy_curves(val_records: List[dict],
                    metric: str = 'accuracy/top1') -> Dict[str, Curve]:
    """One curve per network for a validation metric.

    The student's metric has no prefix (``accuracy/top1``); the others are
    prefixed with the network (``teacher.``, ``slt0.``, ``slt_fused.``,
    ``teacher.<name>.``), as :class:`DistillValLoop` logs them.

    Args:
        val_records (list[dict]): Validation records.
        metric (str): The metric. Defaults to ``'accuracy/top1'``.

    Returns:
        dict[str, tuple]: Network -> (epochs, values). The unprefixed curve
        is called ``student`` in distillation runs and ``model`` otherwise.
    """
    curves: Dict[str, Curve] = OrderedDict()
    suffix = '.' + metric
    for record in val_records:
        for key, value in record.items():
            if key == metric:
                name = ''
            elif key.endswith(suffix):
                name = key[:-len(suffix)]
            else:
                continue
            epochs, values = curves.setdefault(name, ([], []))
            epochs.append(record['step'])
            values.append(value)
    if '' in curves:
        own = curves.pop('')
        label = 'student' if curves else 'model'
        curves = OrderedDict([(label, own), *curves.items()])
    return curves


def loss_curves(train_records: List[dict]) -> Dict[str, Curve]:
    """One curve per logged loss term (and the total ``loss``).

    Args:
        train_records (list[dict]): Training records.

    Returns:
        dict[str, tuple]: Term (e.g. ``student.loss_kd``) -> (iterations,
        values).
    """
    curves: Dict[str, Curve] = OrderedDict()
    for record in train_records:
        for key, value in record.items():
            if key.split('.')[-1].startswith('loss'):
                iters, values = curves.setdefault(key, ([], []))
                iters.append(record['step'])
                values.append(value)
    return curves

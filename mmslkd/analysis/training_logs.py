# Copyright (c) mmslkd contributors. All rights reserved.
"""Read the scalar logs MMEngine writes for a run (``vis_data/scalars.json``)
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
    'find_scalar_logs', 'load_training_log', 'accuracy_curves', 'loss_curves'
]

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
    if osp.isfile(work_dir):
        return [work_dir]
    logs = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not logs:
        raise FileNotFoundError(
            f'No MMEngine scalar log under {work_dir!r} (expected '
            '<work_dir>/<timestamp>/vis_data/scalars.json). Give the work '
            'dir of a run of tools/train.py, which writes it.')
    return logs


def load_training_log(work_dir: str) -> Dict[str, List[dict]]:
    """Training and validation records of a run.

    Args:
        work_dir (str): A run's work dir or one ``scalars.json``.

    Returns:
        dict: ``train`` (records with ``iter``, by step) and ``val`` (the
        others, by epoch), each a list of dicts sorted by ``step``.
    """
    train, val = OrderedDict(), OrderedDict()
    for log in find_scalar_logs(work_dir):
        with open(log) as f:
            for line in f:
                if not line.strip():
                    continue
                record = json.loads(line)
                (train if 'iter' in record else val)[record['step']] = record
    return dict(
        train=[train[k] for k in sorted(train)],
        val=[val[k] for k in sorted(val)])


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

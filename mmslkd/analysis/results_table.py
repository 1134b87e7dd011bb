# Copyright (c) mmslkd contributors. All rights reserved.
"""Collect the metrics of a set of runs into a results table in the layout
of the SLKD paper's Tables 1-2: one row per teacher -> student pair, the
teacher's and the student-from-scratch accuracies, then one column per
method, with the paper's number beside ours where it published one.

A run is a work dir of ``tools/train.py``; what it is comes from the config
dumped there, named as our configs are: ``{method}_{teacher}_{student}_
{dataset}.py`` for distillation (the model has an ``architecture``) and
``{network}_{dataset}.py`` for training one network. Several runs of the same
method and pair (seeds) give mean +- std.
"""
import glob
import os
import os.path as osp
import re
import statistics
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from .paper_numbers import PAPER_METHODS, PAPER_TABLES, paper_row
from .training_logs import load_training_log

__all__ = [
    'canonical_network', 'method_label', 'describe_run', 'find_runs',
    'collect_runs', 'build_results_table', 'format_markdown'
]

_NETWORK_ALIASES = {
    'shv1': 'ShuffleV1',
    'shufflev1': 'ShuffleV1',
    'shv2': 'ShuffleV2',
    'shufflev2': 'ShuffleV2',
    'shv2-0.5': 'ShuffleV2-0.5',
    'shufflev2_0_5': 'ShuffleV2-0.5',
    'mv2': 'MobileNetV2',
    'mobilenetv2': 'MobileNetV2',
    'mv1': 'MobileNetV1',
    'r8tiny': 'resnet8tiny',
}
_METHOD_LABELS = {
    'kd': 'KD',
    'dkd': 'DKD',
    'slkd': 'SLKD',
    'slkd-sequential': 'SLKD*',
    'amtml': 'AMTML-KD',
    'avgmkd': 'AvgMKD',
}


def _canonical_base(name: str) -> Optional[str]:
    if name in _NETWORK_ALIASES:
        return _NETWORK_ALIASES[name]
    match = re.fullmatch(r'(?:r|resnet)(\d+)(x4)?', name)
    if match:
        depth, x4 = match.groups()
        if depth in ('18', '34', '50') and not x4:
            return f'ResNet{depth}'
        return f'resnet{depth}{x4 or ""}'
    match = re.fullmatch(r'wrn_?(\d+)[-_](\d+)', name)
    if match:
        return 'wrn_{}_{}'.format(*match.groups())
    if re.fullmatch(r'vgg\d+', name):
        return name
    return None


def canonical_network(name: str) -> str:
    """The paper's name of a network from a config-name abbreviation.

    ``r32x4`` -> ``resnet32x4``, ``wrn40-2`` -> ``wrn_40_2``, ``r50`` ->
    ``ResNet50`` (the ImageNet-style ResNets are capitalised), ``shv1`` ->
    ``ShuffleV1``, ``mv2`` -> ``MobileNetV2``. A variant suffix is kept
    (``r56-icc`` -> ``resnet56-icc``), teachers joined by ``+`` are
    renamed one by one; unknown names pass through.

    Args:
        name (str): The name in a config file name.

    Returns:
        str: The canonical name.
    """
    if '+' in name:  # several teachers
        return '+'.join(canonical_network(n) for n in name.split('+'))
    lowered = name.lower()
    pieces = lowered.split('-')
    for i in range(len(pieces), 0, -1):
        base = _canonical_base('-'.join(pieces[:i]))
        if base is not None:
            return '-'.join([base] + pieces[i:])
    return name


def method_label(method: str) -> str:
    """The paper's column name of a config-name method (``kd`` -> ``KD``,
    ``slkd-sequential`` -> ``SLKD*``); others pass through."""
    return _METHOD_LABELS.get(method, method)


def _metric(val_records: List[dict], key: str, how: str) -> Optional[float]:
    values = [r[key] for r in val_records if key in r]
    if not values:
        return None
    return max(values) if how == 'best' else values[-1]


def describe_run(work_dir: str,
                 metric: str = 'accuracy/top1',
                 how: str = 'last') -> dict:
    """What a run is and what it reached.

    Args:
        work_dir (str): The run's work dir.
        metric (str): Validation metric. Defaults to ``'accuracy/top1'``.
        how (str): ``'last'`` (final epoch, default) or ``'best'``.

    Returns:
        dict: ``kind`` ('distill' or 'network'), ``method``, ``teacher``,
        ``student`` (distill) or ``network``, ``dataset``, ``value``,
        ``finished`` (reached the schedule's end) and, for distillation,
        ``teacher_value`` (the teacher's logged metric).
    """
    if how not in ('last', 'best'):
        raise ValueError(f"how must be 'last' or 'best', got {how!r}.")
    configs = sorted(glob.glob(osp.join(work_dir, '*.py')))
    if not configs:
        raise FileNotFoundError(
            f'{work_dir!r} holds no dumped config (<name>.py): give work '
            'dirs of tools/train.py runs.')
    name = osp.basename(configs[0])[:-3]
    cfg = Config.fromfile(configs[0])
    model = cfg.model
    train_cfg = cfg.get('train_cfg') or {}
    log = load_training_log(work_dir)
    val = log['val']
    parts = name.split('_')
    run = dict(work_dir=work_dir, config=name, dataset=parts[-1])
    run['value'] = _metric(val, metric, how)
    if 'max_epochs' in train_cfg:
        run['finished'] = bool(val) and val[-1]['step'] >= \
            train_cfg['max_epochs']
    else:
        run['finished'] = bool(log['train']) and log['train'][-1]['step'] \
            >= train_cfg.get('max_iters', 0)
    if 'architecture' in model:
        if len(parts) != 4:
            raise ValueError(
                f'Cannot read {name!r} as {{method}}_{{teacher}}_{{student}}'
                '_{dataset}: name distillation configs that way.')
        run.update(
            kind='distill',
            method=method_label(parts[0]),
            teacher=canonical_network(parts[1]),
            student=canonical_network(parts[2]),
            teacher_value=_metric(val, 'teacher.' + metric, how))
    else:
        run.update(
            kind='network', network=canonical_network('_'.join(parts[:-1])))
    return run


def find_runs(path: str) -> List[str]:
    """Work dirs of runs at or below ``path``: dirs holding a dumped config
    and a ``<timestamp>/vis_data/scalars.json``."""
    runs = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        if any(f.endswith('.py') for f in files) and glob.glob(
                osp.join(root, '*', 'vis_data', 'scalars.json')):
            runs.append(root)
            dirs.clear()  # a run's own folders hold no other run
    return runs


def collect_runs(paths: Sequence[str],
                 include_unfinished: bool = False,
                 **kwargs) -> List[dict]:
    """:func:`describe_run` for every run at or below the paths; runs
    without the metric, and (unless asked) runs that have not reached the
    end of their schedule, are left out.

    Args:
        paths (Sequence[str]): Work dirs, or folders holding work dirs.
        include_unfinished (bool): Keep unfinished runs. Defaults to False.
        **kwargs: ``metric`` and ``how`` of :func:`describe_run`.

    Returns:
        list[dict]: The runs.
    """
    work_dirs = []
    for path in paths:
        found = find_runs(path)
        if not found:
            raise FileNotFoundError(
                f'No run at or below {path!r}: a run\'s work dir holds its '
                'dumped config and <timestamp>/vis_data/scalars.json, as '
                'tools/train.py writes them.')
        work_dirs += [d for d in found if d not in work_dirs]
    runs = [describe_run(d, **kwargs) for d in work_dirs]
    return [
        r for r in runs
        if r['value'] is not None and (r['finished'] or include_unfinished)
    ]


def _summary(values: List[float]) -> Optional[dict]:
    if not values:
        return None
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return dict(mean=statistics.mean(values), std=std, n=len(values))


def build_results_table(runs: List[dict]) -> dict:
    """Group runs into the paper's tables.

    Args:
        runs (list[dict]): From :func:`collect_runs`.

    Returns:
        dict: ``methods`` (column order: the paper's, then others) and
        ``tables``: title -> rows, each with ``teacher``, ``student``,
        ``ours`` (teacher / student / per-method summaries) and ``paper``
        (the published row or None).
    """
    networks: Dict[str, List[float]] = {}
    pairs: Dict[tuple, Dict[str, List[float]]] = OrderedDict()
    logged_teacher: Dict[str, List[float]] = {}
    for run in runs:
        if run['kind'] == 'network':
            networks.setdefault(run['network'], []).append(run['value'])
            continue
        pair = (run['teacher'], run['student'])
        pairs.setdefault(pair,
                         OrderedDict()).setdefault(run['method'],
                                                   []).append(run['value'])
        if run.get('teacher_value') is not None:
            logged_teacher.setdefault(run['teacher'],
                                      []).append(run['teacher_value'])
    found = {m for p in pairs.values() for m in p}
    methods = [m for m in PAPER_METHODS if m in found
               ] + sorted(found - set(PAPER_METHODS))

    tables = OrderedDict((title, []) for title in PAPER_TABLES)
    tables['Other pairs'] = []
    for (teacher, student), by_method in pairs.items():
        published = paper_row(teacher, student)
        teacher_runs = networks.get(teacher) or sorted(
            set(logged_teacher.get(teacher, [])))
        row = dict(
            teacher=teacher,
            student=student,
            ours=dict(
                teacher=_summary(teacher_runs),
                student=_summary(networks.get(student, [])),
                methods={
                    m: _summary(v)
                    for m, v in by_method.items()
                }),
            paper=published[1] if published else None)
        tables[published[0] if published else 'Other pairs'].append(row)
    order = {
        (r['teacher'], r['student']): i
        for rows in PAPER_TABLES.values()
        for i, r in enumerate(rows)
    }
    for title, rows in tables.items():
        rows.sort(key=lambda r: order.get((r['teacher'], r['student']), 0))
    return dict(
        methods=methods,
        tables=OrderedDict((t, r) for t, r in tables.items() if r))


def _cell(ours: Optional[dict], paper: Optional[float]) -> str:
    if ours is None:
        text = '–'
    elif ours['n'] > 1:
        text = f'{ours["mean"]:.2f} ± {ours["std"]:.2f}'
    else:
        text = f'{ours["mean"]:.2f}'
    if paper is not None:
        text += f' ({paper:.2f})'
    return text


def format_markdown(table: dict) -> str:
    """The tables as Markdown: cells are ``ours (paper)``; ours is a mean
    +- std over runs when there are several."""
    lines = []
    methods = table['methods']
    for title, rows in table['tables'].items():
        lines += [
            f'### {title}', '',
            '| teacher | student | ' + ' | '.join(methods) + ' |',
            '|---|---|' + '---|' * len(methods)
        ]
        for row in rows:
            paper = row['paper'] or {}
            paper_methods = paper.get('methods', {})
            cells = [
                f'{row["teacher"]} ' +
                _cell(row['ours']['teacher'], paper.get('teacher_acc')),
                f'{row["student"]} ' +
                _cell(row['ours']['student'], paper.get('student_acc')),
            ] + [
                _cell(row['ours']['methods'].get(m), paper_methods.get(m))
                for m in methods
            ]
            lines.append('| ' + ' | '.join(cells) + ' |')
        lines.append('')
    lines.append('Cells: ours (the paper\'s, where published); top-1 %.')
    return '\n'.join(lines)

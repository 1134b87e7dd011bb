# Copyright (c) mmslkd contributors. All rights reserved.
"""Compare distillation methods over seeds, on real data, resumably.

Trains the study's teachers once and publishes them, then trains every
method with the same schedule for each seed (through tools/train.py and the
Runner), and reports the student's final-epoch test top-1 as mean +- std.

Each finished run is written at once to ``docs/results/<study>.json`` (its
metrics, seed, config, wall time and the sha256 of the teachers it learnt
from), and a rerun skips every run recorded there, even on a new machine:
a study can be split over several sessions. Teachers of the real-data
studies are small and are kept in ``docs/results/teachers/`` so that a new
machine continues with the very same teacher. ``--jobs 2`` runs two
single-thread trainings side by side (faster than one two-thread run for
small networks); the console shows one line per run, the full logs go to
each run's work dir. ``--update-readme`` rewrites the study's table in
README.md (between its markers), also from partial results.

    python tools/analysis_tools/study.py slkd_cifar100 --seeds 0 1 2 \
        --jobs 2 --update-readme

Studies: on real CIFAR-100 (``data/cifar100``, made by
tools/dataset_converters/cifar_folders_to_python.py): slkd_cifar100,
amtml_cifar100, expressive_cifar100, two_teacher_eta_cifar100 (seed 0: picks
the tolerant term's eta), two_teacher_cifar100; on the
embedded MNIST digits (no download): slkd, amtml, expressive (ICC teacher
and mimic), two_teacher.
"""
import argparse
import glob
import hashlib
import json
import os
import os.path as osp
import shutil
import statistics
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

RESNET20 = ('configs/embedded/resnet20_mnist1k.py',
            'checkpoints/embedded/resnet20_mnist1k.pth')

#: study -> its teachers (config, published checkpoint), trained first, and
#: its methods (label, config); methods of the `best_of` group also get a
#: row for the best of them.
STUDIES = {
    'slkd_cifar100':
    dict(
        title='ResNet-20 -> half-width ResNet-8 on real CIFAR-100, 10,000 '
        'training images (100 per class), evaluated on the full '
        '10,000-image test set, 20 epochs (the literature recipe '
        'compressed), batch 64',
        teachers=[('configs/cifar100-10k/resnet20_cifar100-10k.py',
                   'checkpoints/cifar100-10k/resnet20_cifar100-10k.pth')],
        methods=[
            ('full-width ResNet-8 alone (too close to the teacher)',
             'configs/cifar100-10k/resnet8_cifar100-10k.py'),
            ('student alone',
             'configs/cifar100-10k/resnet8-half_cifar100-10k.py'),
            ('KD', 'configs/cifar100-10k/kd_r20_r8-half_cifar100-10k.py'),
            ('SLKD', 'configs/cifar100-10k/slkd_r20_r8-half_cifar100-10k.py'),
            ('recorded-trajectory SLKD', 'configs/cifar100-10k/'
             'slt-trajectory_r20_r8-half_cifar100-10k.py'),
            ('teacher-trajectory KD', 'configs/cifar100-10k/'
             'teacher-trajectory_r20_r8-half_cifar100-10k.py'),
            ('KD from the recorded teacher (the control of the row above)',
             'configs/cifar100-10k/kd_r20-recorded_r8-half_cifar100-10k.py'),
        ],
        teacher_free=('student alone',
                      'full-width ResNet-8 alone (too close to the teacher)'),
        # one-off runs after the teachers, before the methods that replay
        # them (issue 17): (label, config, its trajectory folder, where to
        # publish its last epoch or None)
        recordings=[
            ('SL-T trajectory', 'configs/cifar100-10k/'
             'slt-trajectory-record_r20_r8-half_cifar100-10k.py',
             'checkpoints/cifar100-10k/slt-trajectory_r20_cifar100-10k',
             None),
            ('teacher trajectory', 'configs/cifar100-10k/'
             'resnet20-trajectory-record_cifar100-10k.py',
             'checkpoints/cifar100-10k/resnet20-trajectory_cifar100-10k',
             'checkpoints/cifar100-10k/resnet20-trajectory_cifar100-10k.pth'),
        ],
        needs_recordings=(
            'recorded-trajectory SLKD', 'teacher-trajectory KD',
            'KD from the recorded teacher (the control of the row above)'),
        keep_teachers=True,
        readme_marker='study:slkd_cifar100'),
    # issue 16: the multi-teacher, expressive-teacher and two-teacher methods
    # on the same real-data setting (half-width ResNet-8 students); each
    # sized to about 2 hours with --jobs 2 on two cores (estimates from
    # FLOPs per image and the slkd_cifar100 teacher's measured time)
    'amtml_cifar100':
    dict(
        title='ResNet-8 (full width) and ResNet-20 teachers -> half-width '
        'ResNet-8 on real CIFAR-100, 10,000 training images (100 per '
        'class), full 10,000-image test set; the official AMTML-KD code\'s '
        'recipes (KD and AvgMKD 20 epochs, AMTML-KD 6 + 14), batch 128, '
        'lr 0.1',
        teachers=[('configs/cifar100-10k/resnet8_cifar100-10k.py',
                   'checkpoints/cifar100-10k/resnet8_cifar100-10k.pth'),
                  ('configs/cifar100-10k/resnet20_cifar100-10k.py',
                   'checkpoints/cifar100-10k/resnet20_cifar100-10k.pth')],
        methods=[
            ('KD from ResNet-20 (the more accurate teacher)',
             'configs/cifar100-10k/kd-mt_r20_r8-half_cifar100-10k.py'),
            ('AvgMKD (mean target + triplet term)',
             'configs/cifar100-10k/avgmkd_r8+r20_r8-half_cifar100-10k.py'),
            ('AMTML-KD',
             'configs/cifar100-10k/amtml_r8+r20_r8-half_cifar100-10k.py'),
        ],
        keep_teachers=True,
        readme_marker='study:amtml_cifar100'),
    'expressive_cifar100':
    dict(
        title='ResNet-14 -> half-width ResNet-8 on real CIFAR-100, 10,000 '
        'training images, full test set, 20 epochs, batch 64; the '
        'expressive teacher is ResNet-14 trained with the feature-grounded '
        'ICC regulariser (lambda_T = 1), the ICC mimic loss is Frobenius '
        'with lambda_S = 20 on batch matrices, KD is 0.1 CE + 0.9 KD (T=4) '
        'in every row',
        teachers=[('configs/cifar100-10k/resnet14_cifar100-10k.py',
                   'checkpoints/cifar100-10k/resnet14_cifar100-10k.pth'),
                  ('configs/cifar100-10k/resnet14-icc_cifar100-10k.py',
                   'checkpoints/cifar100-10k/resnet14-icc_cifar100-10k.pth')],
        methods=[
            ('KD from the plain teacher',
             'configs/cifar100-10k/kd_r14_r8-half_cifar100-10k.py'),
            ('KD from the expressive teacher',
             'configs/cifar100-10k/kd_r14-icc_r8-half_cifar100-10k.py'),
            ('KD + ICC mimic from the plain teacher',
             'configs/cifar100-10k/kd-icc_r14_r8-half_cifar100-10k.py'),
            ('KD + ICC mimic from the expressive teacher (the method)',
             'configs/cifar100-10k/kd-icc_r14-icc_r8-half_cifar100-10k.py'),
        ],
        keep_teachers=True,
        readme_marker='study:expressive_cifar100'),
    # the eta grid (run with --seeds 0): pick the tolerant term's default
    # eta by the two-teacher student, then run two_teacher_cifar100
    'two_teacher_eta_cifar100':
    dict(
        title='The tolerant term\'s eta on real CIFAR-100: strict ResNet-14 '
        '-> attention transfer, loose ResNet-14 (tolerant term on '
        'probabilities, K = 5) -> KD, half-width ResNet-8 student, 10,000 '
        'training images, 20 epochs, batch 64',
        teachers=[
            ('configs/cifar100-10k/resnet14_cifar100-10k.py',
             'checkpoints/cifar100-10k/resnet14_cifar100-10k.pth'),
        ] + [(f'configs/cifar100-10k/resnet14-tolerant-eta{eta}_'
              'cifar100-10k.py', 'checkpoints/cifar100-10k/'
              f'resnet14-tolerant-eta{eta}_cifar100-10k.pth')
             for eta in ('0.6', '1.0', '1.5')],
        methods=[('KD from the strict teacher',
                  'configs/cifar100-10k/kd_r14_r8-half_cifar100-10k.py')] +
        [(f'two teachers, eta = {eta}', 'configs/cifar100-10k/'
          f'two-teacher-eta{eta}_r14_r8-half_cifar100-10k.py')
         for eta in ('0.6', '1.0', '1.5')],
        keep_teachers=True,
        readme_marker='study:two_teacher_eta_cifar100'),
    'two_teacher_cifar100':
    dict(
        title='Strict ResNet-14 -> attention transfer at 3 stages (500 '
        'each), loose ResNet-14 (the tolerant term at its default) -> KD '
        '(0.1 CE + 0.9 KD, T=4), half-width ResNet-8 student on real '
        'CIFAR-100, 10,000 training images, 20 epochs, batch 64',
        teachers=[('configs/cifar100-10k/resnet14_cifar100-10k.py',
                   'checkpoints/cifar100-10k/resnet14_cifar100-10k.pth'),
                  ('configs/cifar100-10k/resnet14-tolerant_cifar100-10k.py',
                   'checkpoints/cifar100-10k/'
                   'resnet14-tolerant_cifar100-10k.pth')],
        methods=[
            ('KD from the strict teacher',
             'configs/cifar100-10k/kd_r14_r8-half_cifar100-10k.py'),
            ('KD from the loose teacher',
             'configs/cifar100-10k/kd_r14-tolerant_r8-half_cifar100-10k.py'),
            ('two teachers: strict -> features, loose -> decisions',
             'configs/cifar100-10k/two-teacher_r14_r8-half_cifar100-10k.py'),
        ],
        keep_teachers=True,
        readme_marker='study:two_teacher_cifar100'),
    'slkd':
    dict(
        title='ResNet-20 -> quarter-width ResNet-8 on 1,000 MNIST digits '
        '(100 per class), 30 epochs',
        teachers=[RESNET20],
        methods=[
            ('student alone', 'configs/embedded/resnet8tiny_mnist1k.py'),
            ('KD', 'configs/embedded/kd_r20_r8tiny_mnist1k.py'),
            ('SLKD', 'configs/embedded/slkd_r20_r8tiny_mnist1k.py'),
        ]),
    'amtml':
    dict(
        title='ResNet-20, VGG-8 and WRN-16-2 teachers -> quarter-width '
        'ResNet-8 on 1,000 MNIST digits, 30 epochs, the multi-teacher '
        'recipe (KD T=5 with weight 0.7, angle loss, round-robin hints) '
        'for every row',
        teachers=[
            RESNET20,
            ('configs/embedded/vgg8_mnist1k.py',
             'checkpoints/embedded/vgg8_mnist1k.pth'),
            ('configs/embedded/wrn16-2_mnist1k.py',
             'checkpoints/embedded/wrn16-2_mnist1k.pth'),
        ],
        best_of=('KD from ResNet-20', 'KD from VGG-8', 'KD from WRN-16-2'),
        methods=[
            ('KD from ResNet-20', 'configs/embedded/mtkd_r20_r8tiny_'
             'mnist1k.py'),
            ('KD from VGG-8', 'configs/embedded/mtkd_vgg8_r8tiny_mnist1k.py'),
            ('KD from WRN-16-2', 'configs/embedded/mtkd_wrn16-2_r8tiny_'
             'mnist1k.py'),
            ('uniform weights (AvgMKD)', 'configs/embedded/avgmkd_r20+vgg8+'
             'wrn16-2_r8tiny_mnist1k.py'),
            ('AMTML-KD', 'configs/embedded/amtml_r20+vgg8+wrn16-2_r8tiny_'
             'mnist1k.py'),
        ]),
    'expressive':
    dict(
        title='ResNet-20 -> quarter-width ResNet-8 on 1,000 MNIST digits, '
        '30 epochs; the expressive teacher is ResNet-20 trained with the '
        'feature-grounded ICC regulariser (lambda_T = 0.5), the ICC mimic '
        'loss is Frobenius with lambda_S = 10, KD is 0.1 CE + 0.9 KD (T=4) '
        'in every row',
        teachers=[
            RESNET20,
            ('configs/embedded/resnet20-icc_mnist1k.py',
             'checkpoints/embedded/resnet20-icc_mnist1k.pth'),
        ],
        methods=[
            ('KD from the plain teacher',
             'configs/embedded/kd_r20_r8tiny_mnist1k.py'),
            ('KD from the expressive teacher',
             'configs/embedded/kd_r20-icc_r8tiny_mnist1k.py'),
            ('KD + ICC mimic from the plain teacher',
             'configs/embedded/kd-icc_r20_r8tiny_mnist1k.py'),
            ('KD + ICC mimic from the expressive teacher (the method)',
             'configs/embedded/kd-icc_r20-icc_r8tiny_mnist1k.py'),
        ]),
    'two_teacher':
    dict(
        title='ResNet-20 teachers -> quarter-width ResNet-8 on 1,000 MNIST '
        'digits, 30 epochs; strict = plain CE, loose = CE + the tolerant '
        'term (eta = 0.6, K = 5); KD is 0.1 CE + 0.9 KD (T=4), features '
        'are attention transfer at 3 stages (500 each)',
        teachers=[
            RESNET20,
            ('configs/embedded/resnet20-tolerant_mnist1k.py',
             'checkpoints/embedded/resnet20-tolerant_mnist1k.pth'),
        ],
        methods=[
            ('KD from the strict teacher',
             'configs/embedded/kd_r20_r8tiny_mnist1k.py'),
            ('KD from the loose teacher',
             'configs/embedded/kd_r20-tolerant_r8tiny_mnist1k.py'),
            ('two teachers: strict -> features, loose -> decisions',
             'configs/embedded/two-teacher_r20_r8tiny_mnist1k.py'),
            ('two teachers, roles swapped',
             'configs/embedded/two-teacher-swapped_r20_r8tiny_mnist1k.py'),
        ]),
}


#: the settings that decide what a training learns and how it is tested;
#: a config's helper variables, hook intervals and work dir are left out
TRAINING_KEYS = ('model', 'data_preprocessor', 'train_dataloader',
                 'val_dataloader', 'val_evaluator', 'val_cfg', 'optim_wrapper',
                 'param_scheduler', 'train_cfg', 'custom_hooks', 'randomness',
                 'auto_scale_lr', 'load_from', 'model_wrapper_cfg')


def training_settings(config: str) -> str:
    """The settings of ``config`` that decide its result, as canonical JSON.

    Two configs with equal settings train the same network from the same
    seed (e.g. ``resnet14-tolerant`` and ``resnet14-tolerant-eta1.0`` once
    the default eta is 1.0), so a study may reuse the other's training.

    Args:
        config (str): config path, relative to the repository root.

    Returns:
        str: the settings named by ``TRAINING_KEYS``, sorted JSON.
    """
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, config)).to_dict()
    return json.dumps({key: cfg.get(key)
                       for key in TRAINING_KEYS},
                      sort_keys=True,
                      default=str)


def with_teachers(settings: str, shas: dict) -> str:
    """``settings`` with each teacher checkpoint path replaced by the sha256
    of the weights a study published there: runs of two studies compare
    equal when they learn from the same weights under any file name.

    Args:
        settings (str): :func:`training_settings` of a config.
        shas (dict): checkpoint path -> sha256 (None: not trained).

    Returns:
        str: the settings, paths replaced.
    """
    for ckpt, sha in sorted(shas.items(), key=lambda kv: -len(kv[0] or '')):
        if ckpt:
            settings = settings.replace(
                json.dumps(ckpt)[1:-1], f'sha256:{sha}')
    return settings


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def final_metrics(work_dir: str) -> dict:
    """The last validation record MMEngine logged in ``work_dir``."""
    logs = sorted(
        glob.glob(osp.join(ROOT, work_dir, '*', 'vis_data', 'scalars.json')))
    if not logs:
        raise RuntimeError(f'no MMEngine scalars.json under {work_dir}')
    records = [json.loads(line) for line in open(logs[-1])]
    return [r for r in records if 'accuracy/top1' in r][-1]


def mean_std(values) -> str:
    """``mean ± std``; a single value alone (one seed has no spread)."""
    if len(values) == 1:
        return f'{values[0]:.2f}'
    return f'{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f}'


def table(study: dict, results: dict) -> str:
    """Markdown table (with its caption) of the finished runs."""
    seeds = results['seeds']
    teachers = ', '.join(
        f'{osp.basename(cfg)[:-3]} {acc:.2f}'
        for (cfg, _), acc in zip(study['teachers'], results['teachers'])
        if acc is not None)
    lines = [
        f'{study["title"]}; test top-1 (%) of the last epoch, ' +
        (f'one seed ({seeds[0]}), no spread' if len(seeds) == 1 else
         f'mean ± std over seeds {", ".join(map(str, seeds))}') +
        '; teachers: '
        f'{teachers or "not trained yet"}.' + ''.join(
            f' One-off recording, {label}: {r["minutes"]} min, '
            f'{r["trajectory_mb"]} MB.'
            for label, r in results.get('recordings', {}).items()),
        '',
        '| method | student top-1 | per seed |',
        '|---|---|---|',
    ]
    accs = {}
    for method, _ in study['methods']:
        by_seed = {
            run['seed']: run['accuracy/top1']
            for run in results['runs'].get(method, [])
        }
        accs[method] = [by_seed[s] for s in seeds if s in by_seed]
    reused = sorted({
        r['reused_from'].split(':')[0]
        for runs in results['runs'].values() for r in runs
        if r.get('reused_from')
    } | {
        t['reused_from'].split(':')[0]
        for t in results.get('teacher_runs') or [] if t and t.get(
            'reused_from')
    })
    if reused:
        lines[0] += (' Trainings with the very same settings, seed and '
                     'teachers are shared with ' + ', '.join(reused) + '.')
    complete = [m for m in study.get('best_of', ()) if accs[m]]
    best = max(
        complete, key=lambda m: statistics.mean(accs[m]), default=None)
    for method, _ in study['methods']:
        values = accs[method]
        label = f'**{method}** (best single teacher)' if method == best \
            else method
        if not values:
            lines.append(f'| {label} | not run yet | |')
            continue
        per_seed = ', '.join(f'{a:.1f}' for a in values)
        if len(values) < len(seeds):
            per_seed += f' ({len(values)} of {len(seeds)} seeds so far)'
        lines.append(f'| {label} | {mean_std(values)} | {per_seed} |')
    return '\n'.join(lines)


def update_readme(marker: str, text: str) -> None:
    path = osp.join(ROOT, 'README.md')
    readme = open(path).read()
    start = f'<!-- {marker}:start -->'
    end = f'<!-- {marker}:end -->'
    if start not in readme or end not in readme:
        raise SystemExit(f'README.md has no {start} ... {end} block.')
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(path, 'w') as f:
        f.write(f'{head}{start}\n{text}\n{end}{tail}')


class Results:
    """The study's record in ``<results_dir>/<study>.json``, written after
    every finished run (atomically: a crash never leaves half a file)."""

    def __init__(self, path: str, study: dict, seeds):
        self.path = path
        self.data = dict(seeds=list(seeds), teachers=[], runs={})
        if osp.isfile(path):
            with open(path) as f:
                self.data = json.load(f)
        self.data['seeds'] = sorted(set(self.data.get('seeds', [])) |
                                    set(seeds))
        teachers = self.data.setdefault('teachers', [])
        teachers.extend([None] * (len(study['teachers']) - len(teachers)))
        self.data.setdefault('teacher_runs', [None] * len(study['teachers']))
        self.data.setdefault('runs', {})
        if study.get('recordings'):
            self.data.setdefault('recordings', {})

    def run(self, method: str, seed: int):
        for run in self.data['runs'].get(method, []):
            if run.get('seed') == seed:
                return run
        return None

    def add_run(self, method: str, record: dict) -> None:
        runs = self.data['runs'].setdefault(method, [])
        runs[:] = [r for r in runs if r.get('seed') != record['seed']]
        runs.append(record)
        runs.sort(key=lambda r: r['seed'])
        self.save()

    def set_teacher(self, index: int, record: dict) -> None:
        self.data['teacher_runs'][index] = record
        self.data['teachers'][index] = record['metrics']['accuracy/top1']
        self.save()

    def save(self) -> None:
        # minutes spent by this study (reused trainings are counted where
        # they ran)
        self.data['minutes'] = round(
            sum(
                r.get('minutes', 0) for runs in self.data['runs'].values()
                for r in runs if not r.get('reused_from')) + sum(
                    t.get('minutes', 0) for t in self.data['teacher_runs']
                    if t and not t.get('reused_from')) + sum(
                        r.get('minutes', 0)
                        for r in self.data.get('recordings', {}).values()), 1)
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        tmp = f'{self.path}.partial'
        with open(tmp, 'w') as f:
            json.dump(self.data, f, indent=2)
        os.replace(tmp, self.path)


class Study:
    """Schedules a study's trainings (teachers first; runs that need no
    teacher start at once) on ``jobs`` parallel processes."""

    def __init__(self, name: str, args):
        self.name = name
        self.spec = STUDIES[name]
        self.args = args
        self.threads = max(1, (os.cpu_count() or 1) // args.jobs)
        self.results = Results(
            osp.join(args.results_dir, f'{name}.json'), self.spec,
            args.seeds)
        self.teacher_dir = osp.join(args.results_dir, 'teachers')

    # -- teachers -----------------------------------------------------
    def teacher_ready(self, index: int) -> bool:
        """Whether teacher ``index`` is published here and is the one the
        recorded runs learnt from (restored from the results if kept)."""
        cfg, ckpt = self.spec['teachers'][index]
        record = self.results.data['teacher_runs'][index]
        ckpt = osp.join(ROOT, ckpt)
        kept = osp.join(self.teacher_dir, osp.basename(ckpt))
        if record is None:
            return self.adopt_teacher(index)
        if not osp.isfile(ckpt) and osp.isfile(kept):
            os.makedirs(osp.dirname(ckpt), exist_ok=True)
            shutil.copyfile(kept, ckpt)
        return osp.isfile(ckpt) and sha256(ckpt) == record['sha256']

    def other_results(self):
        """(study name, record) of the other studies in the results dir."""
        for path in sorted(glob.glob(osp.join(self.args.results_dir,
                                              '*.json'))):
            name = osp.basename(path)[:-5]
            if name == self.name:
                continue
            try:
                with open(path) as f:
                    data = json.load(f)
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and isinstance(data.get('runs'), dict):
                yield name, data

    def adopt_teacher(self, index: int) -> bool:
        """Reuse a teacher another study trained from equal settings and
        kept in the results (its checkpoint is copied where our configs
        read it, and recorded with ``reused_from``)."""
        cfg, ckpt = self.spec['teachers'][index]
        settings = None
        for name, data in self.other_results():
            for other in data.get('teacher_runs') or []:
                if not other or not {'config', 'checkpoint', 'sha256'
                                     } <= set(other) or other.get(
                                         'reused_from'):
                    continue
                kept = osp.join(self.teacher_dir,
                                osp.basename(other['checkpoint']))
                if not osp.isfile(osp.join(ROOT, other['config'])) or \
                        not osp.isfile(kept) or \
                        sha256(kept) != other['sha256']:
                    continue
                settings = settings or training_settings(cfg)
                if training_settings(other['config']) != settings:
                    continue
                target = osp.join(ROOT, ckpt)
                os.makedirs(osp.dirname(target), exist_ok=True)
                shutil.copyfile(kept, target)
                mine = osp.join(self.teacher_dir, osp.basename(ckpt))
                if self.spec.get('keep_teachers') and not osp.isfile(mine):
                    shutil.copyfile(kept, mine)
                self.results.set_teacher(
                    index,
                    dict(
                        other,
                        config=cfg,
                        checkpoint=ckpt,
                        reused_from=f'{name}: {other["config"]}'))
                return True
        return False

    def reuse_run(self, task):
        """Record, instead of training it, a run another study finished with
        equal settings, the same seed and the very same teachers.

        Returns:
            str | None: what was reused, or None if nothing matches.
        """
        kind, method, seed, cfg, _ = task
        if kind != 'method' or self.args.rerun:
            return None
        mine = {
            ckpt: sha
            for (_, ckpt), sha in zip(self.spec['teachers'],
                                      self.teacher_shas())
        }
        settings = with_teachers(training_settings(cfg), mine)
        for name, data in self.other_results():
            teachers = [t or {} for t in data.get('teacher_runs') or []]
            theirs = {t.get('checkpoint'): t.get('sha256') for t in teachers}
            for label, runs in data['runs'].items():
                for run in runs:
                    if run.get('seed') != seed or run.get('reused_from') or \
                            run.get('teacher_sha256') not in (
                                None, [t.get('sha256') for t in teachers]) \
                            or not osp.isfile(
                                osp.join(ROOT, run.get('config', ''))):
                        continue
                    if with_teachers(training_settings(run['config']),
                                     theirs) != settings:
                        continue
                    self.results.add_run(
                        method,
                        dict(
                            run,
                            teacher_sha256=None if method in self.spec.get(
                                'teacher_free', ()) else self.teacher_shas(),
                            reused_from=f'{name}: {label}'))
                    return f'{method}, seed {seed} (reused from {name})'
        return None

    def teacher_shas(self):
        return [(t or {}).get('sha256')
                for t in self.results.data['teacher_runs']]

    # -- runs ---------------------------------------------------------
    def command(self, config: str, work_dir: str, seed: int):
        return [
            sys.executable,
            osp.join(ROOT, 'tools', 'train.py'), config, '--work-dir',
            work_dir, '--cfg-options', f'randomness.seed={seed}'
        ]

    def tasks(self):
        """(kind, index or method, seed, config, work_dir) still to run."""
        todo = []
        for i, (cfg, _) in enumerate(self.spec['teachers']):
            if not self.teacher_ready(i):
                name = osp.basename(cfg)[:-3]
                todo.append(('teacher', i, 0, cfg,
                             osp.join(self.args.work_dir, self.name,
                                      'teachers', name)))
        shas = self.teacher_shas()
        for label, cfg, _, _ in self.spec.get('recordings', ()):
            if not self.recording_ready(label):
                todo.append(('recording', label, 0, cfg,
                             osp.join(self.args.work_dir, self.name,
                                      'recordings', label.replace(' ', '_'))))
        for seed in self.args.seeds:
            for method, cfg in self.spec['methods']:
                done = self.results.run(method, seed)
                if done is not None and not self.args.rerun and (
                        done.get('teacher_sha256') in (None, shas)):
                    continue
                todo.append(('method', method, seed, cfg,
                             osp.join(self.args.work_dir, self.name,
                                      method.replace(' ', '_'),
                                      f'seed{seed}')))
        return todo

    def needs_teachers(self, task) -> bool:
        kind, method = task[0], task[1]
        return kind == 'recording' or (kind == 'method' and method not in
                                       self.spec.get('teacher_free', ()))

    def needs_recordings(self, task) -> bool:
        return task[0] == 'method' and task[1] in self.spec.get(
            'needs_recordings', ())

    def recording_ready(self, label: str) -> bool:
        """Whether a recording ran with the current teachers and its
        trajectory (and published checkpoint) is here, complete."""
        spec = {r[0]: r for r in self.spec['recordings']}[label]
        record = self.results.data.get('recordings', {}).get(label)
        manifest = osp.join(ROOT, spec[2], 'trajectory.json')
        if record is None or record.get('teacher_sha256') != \
                self.teacher_shas() or not osp.isfile(manifest):
            return False
        if spec[3] and not osp.isfile(osp.join(ROOT, spec[3])):
            return False
        with open(manifest) as f:
            data = json.load(f)
        return max(r['epoch'] for r in data['records']) == data['max_epochs']

    def finish(self, task, minutes: float) -> str:
        kind, key, seed, cfg, work_dir = task
        metrics = final_metrics(work_dir)
        dumped = osp.join(ROOT, work_dir, osp.basename(cfg))
        from mmengine.config import Config
        max_epochs = Config.fromfile(dumped).train_cfg.max_epochs
        if metrics.get('step') != max_epochs:
            raise RuntimeError(
                f'{work_dir}: the last validation is of epoch '
                f'{metrics.get("step")}, not the last epoch {max_epochs}')
        machine = dict(threads=self.threads, jobs=self.args.jobs)
        if kind == 'recording':
            _, _, folder, publish = {r[0]: r
                                     for r in self.spec['recordings']}[key]
            if publish:
                run_tool(
                    osp.join('tools', 'model_converters', 'publish_model.py'),
                    osp.join(work_dir, 'epoch_*.pth'), publish)
            size = sum(
                osp.getsize(p)
                for p in glob.glob(osp.join(ROOT, folder, 'epoch_*.pth')))
            self.results.data['recordings'][key] = dict(
                config=cfg,
                trajectory=folder,
                trajectory_mb=round(size / 2**20, 1),
                metrics=metrics,
                teacher_sha256=self.teacher_shas(),
                minutes=round(minutes, 1),
                **machine)
            self.results.save()
            return f'recording {key}'
        if kind == 'teacher':
            ckpt = osp.join(ROOT, self.spec['teachers'][key][1])
            run_tool(
                osp.join('tools', 'model_converters', 'publish_model.py'),
                osp.join(work_dir, 'epoch_*.pth'), ckpt)
            if self.spec.get('keep_teachers'):
                os.makedirs(self.teacher_dir, exist_ok=True)
                shutil.copyfile(
                    ckpt, osp.join(self.teacher_dir, osp.basename(ckpt)))
            self.results.set_teacher(
                key,
                dict(
                    config=cfg,
                    checkpoint=self.spec['teachers'][key][1],
                    sha256=sha256(ckpt),
                    metrics=metrics,
                    minutes=round(minutes, 1),
                    **machine))
            return f'teacher {osp.basename(cfg)[:-3]}'
        record = dict(
            metrics,
            seed=seed,
            config=cfg,
            minutes=round(minutes, 1),
            teacher_sha256=None if key in self.spec.get(
                'teacher_free', ()) else self.teacher_shas(),
            **machine)
        self.results.add_run(key, record)
        return f'{key}, seed {seed}'

    def run(self) -> None:
        """Train every unfinished run, recording each as it finishes."""
        todo = self.tasks()
        total = len(todo)
        print(f'{self.name}: {total} runs to do '
              f'({self.args.jobs} at a time, {self.threads} thread(s) '
              f'each); results: {self.results.path}', flush=True)
        env = dict(
            os.environ,
            OMP_NUM_THREADS=str(self.threads),
            MKL_NUM_THREADS=str(self.threads))
        running, done, start = {}, 0, time.time()
        while todo or running:
            teachers_busy = any(t[0] == 'teacher' for t in todo) or any(
                p.task[0] == 'teacher' for p in running.values())
            recordings_busy = any(t[0] == 'recording' for t in todo) or any(
                p.task[0] == 'recording' for p in running.values())
            ready = [
                t for t in todo
                if not (self.needs_teachers(t) and teachers_busy) and not (
                    self.needs_recordings(t) and recordings_busy)
            ]
            while ready and len(running) < self.args.jobs:
                task = ready.pop(0)
                todo.remove(task)
                reused = self.reuse_run(task)
                if reused:
                    done += 1
                    print(f'[{done}/{total}] {reused}', flush=True)
                    continue
                work_dir = osp.join(ROOT, task[4])
                os.makedirs(work_dir, exist_ok=True)
                log = open(osp.join(work_dir, 'study_run.log'), 'w')
                proc = subprocess.Popen(
                    self.command(task[3], task[4], task[2]),
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT)
                proc.task, proc.log, proc.start = task, log, time.time()
                running[proc.pid] = proc
            if not running:
                break
            time.sleep(5)
            for pid, proc in list(running.items()):
                if proc.poll() is None:
                    continue
                del running[pid]
                proc.log.close()
                minutes = (time.time() - proc.start) / 60
                if proc.returncode != 0:
                    for other in running.values():
                        other.kill()
                    raise SystemExit(
                        f'{proc.task[3]} failed (exit {proc.returncode}); '
                        f'see {osp.join(proc.task[4], "study_run.log")}')
                done += 1
                what = self.finish(proc.task, minutes)
                print(f'[{done}/{total}] {what}: done in {minutes:.1f} min '
                      f'({(time.time() - start) / 60:.0f} min so far)',
                      flush=True)


def run_tool(*args: str) -> None:
    cmd = [sys.executable, *args]
    subprocess.run(
        cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('study', choices=sorted(STUDIES))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/study')
    parser.add_argument(
        '--results-dir',
        default=osp.join(ROOT, 'docs', 'results'),
        help='where <study>.json (and kept teachers) are written')
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='trainings run side by side, each with cpu_count / jobs '
        'threads (default 1)')
    parser.add_argument('--update-readme', action='store_true')
    parser.add_argument(
        '--rerun',
        action='store_true',
        help='train again the runs already recorded in the results')
    parser.add_argument(
        '--table-only',
        action='store_true',
        help='print (and with --update-readme write) the table of the '
        'recorded runs, train nothing')
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error('--jobs must be at least 1')
    if len(args.seeds) < 3:
        print(
            'warning: fewer than 3 seeds give no meaningful spread',
            flush=True)
    study = Study(args.study, args)
    if not args.table_only:
        study.run()
    text = table(study.spec, study.results.data)
    print('\n' + text + f'\n\n({study.results.data.get("minutes", 0)} '
          f'min of training; runs: {study.results.path})')
    if args.update_readme:
        update_readme(
            study.spec.get('readme_marker', f'embedded-study:{args.study}'),
            text)


if __name__ == '__main__':
    main()

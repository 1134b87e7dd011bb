# Copyright (c) mmslkd contributors. All rights reserved.
"""Compare distillation methods on the embedded real digits, over seeds.

Trains the study's teachers once, publishes them, then trains every method
with the same schedule for each seed (through tools/train.py and the
Runner), and reports the student's final-epoch test top-1 as mean +- std.
The per-run numbers go to docs/results/<study>.json; ``--update-readme``
rewrites the study's table in README.md (between its markers).

    python tools/analysis_tools/embedded_study.py slkd --seeds 0 1 2 \
        --update-readme

Studies: slkd, amtml, expressive (ICC teacher and mimic), two_teacher.
"""
import argparse
import glob
import json
import os
import os.path as osp
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


def run_tool(*args: str) -> None:
    cmd = [sys.executable, *args]
    print('==>', ' '.join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def final_metrics(work_dir: str) -> dict:
    """The last validation record MMEngine logged in ``work_dir``."""
    logs = sorted(
        glob.glob(osp.join(ROOT, work_dir, '*', 'vis_data', 'scalars.json')))
    records = [json.loads(line) for line in open(logs[-1])]
    return [r for r in records if 'accuracy/top1' in r][-1]


def finished_run(config: str, work_dir: str):
    """Final metrics of a run that already reached its last epoch in
    ``work_dir`` (an interrupted study being rerun), or None."""
    dumped = osp.join(ROOT, work_dir, osp.basename(config))
    if not osp.isfile(dumped):
        return None
    from mmengine.config import Config
    max_epochs = Config.fromfile(dumped).train_cfg.max_epochs
    for log in sorted(
            glob.glob(
                osp.join(ROOT, work_dir, '*', 'vis_data', 'scalars.json')),
            reverse=True):
        records = [json.loads(line) for line in open(log)]
        val = [r for r in records if 'accuracy/top1' in r]
        if val and val[-1].get('step') == max_epochs:
            print(f'==> reusing finished run {work_dir}', flush=True)
            return val[-1]
    return None


def train(config: str,
          work_dir: str,
          seed: int,
          skip_finished: bool = False) -> dict:
    if skip_finished:
        finished = finished_run(config, work_dir)
        if finished is not None:
            return finished
    run_tool(
        osp.join('tools', 'train.py'), config, '--work-dir', work_dir,
        '--cfg-options', f'randomness.seed={seed}')
    return final_metrics(work_dir)


def reusable_teacher(work_dir: str, name: str, ckpt: str):
    """Final metrics of a teacher some study already trained and published
    (same config name, seed 0), or None."""
    if not osp.isfile(osp.join(ROOT, ckpt)):
        return None
    for found in sorted(
            glob.glob(osp.join(ROOT, work_dir, '*', 'teachers', name))):
        try:
            metrics = final_metrics(osp.relpath(found, ROOT))
        except (IndexError, OSError):
            continue
        print(f'==> reusing teacher {name} from {found}', flush=True)
        return metrics
    return None


def mean_std(values) -> str:
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.2f} ± {std:.2f}'


def table(study: dict, results: dict) -> str:
    seeds = results['seeds']
    teachers = ', '.join(
        f'{osp.basename(cfg)[:-3]} {acc:.2f}'
        for (cfg, _), acc in zip(study['teachers'], results['teachers']))
    lines = [
        f'{study["title"]}; test top-1 (%) of the last epoch, mean ± std '
        f'over seeds {", ".join(map(str, seeds))}; teachers: {teachers}.',
        '',
        '| method | student top-1 | per seed |',
        '|---|---|---|',
    ]
    accs = {
        method: [run['accuracy/top1'] for run in results['runs'][method]]
        for method, _ in study['methods']
    }
    best = max(
        study.get('best_of', ()),
        key=lambda m: statistics.mean(accs[m]),
        default=None)
    for method, _ in study['methods']:
        per_seed = ', '.join(f'{a:.1f}' for a in accs[method])
        label = f'**{method}** (best single teacher)' if method == best \
            else method
        lines.append(f'| {label} | {mean_std(accs[method])} | {per_seed} |')
    return '\n'.join(lines)


def update_readme(name: str, text: str) -> None:
    path = osp.join(ROOT, 'README.md')
    readme = open(path).read()
    start = f'<!-- embedded-study:{name}:start -->'
    end = f'<!-- embedded-study:{name}:end -->'
    if start not in readme or end not in readme:
        raise SystemExit(f'README.md has no {start} ... {end} block.')
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(path, 'w') as f:
        f.write(f'{head}{start}\n{text}\n{end}{tail}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('study', choices=sorted(STUDIES))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/embedded_study')
    parser.add_argument('--update-readme', action='store_true')
    parser.add_argument(
        '--reuse-teachers',
        action='store_true',
        help='use a teacher another study trained (same config) when its '
        'checkpoint is published, instead of training it again')
    parser.add_argument(
        '--skip-finished',
        action='store_true',
        help='keep the result of any run that already reached its last '
        'epoch in its work dir (to finish an interrupted study)')
    args = parser.parse_args()
    if len(args.seeds) < 3:
        print(
            'warning: fewer than 3 seeds give no meaningful spread',
            flush=True)
    study = STUDIES[args.study]
    start = time.time()

    teachers = []
    for teacher_cfg, teacher_ckpt in study['teachers']:
        name = osp.basename(teacher_cfg)[:-3]
        teacher_dir = osp.join(args.work_dir, args.study, 'teachers', name)
        if args.reuse_teachers:
            reused = reusable_teacher(args.work_dir, name, teacher_ckpt)
            if reused is not None:
                teachers.append(reused)
                continue
        teachers.append(train(teacher_cfg, teacher_dir, 0, args.skip_finished))
        run_tool(
            osp.join('tools', 'model_converters', 'publish_model.py'),
            osp.join(teacher_dir, 'epoch_*.pth'), teacher_ckpt)

    results = dict(
        seeds=args.seeds,
        teachers=[t['accuracy/top1'] for t in teachers],
        runs={})
    for method, config in study['methods']:
        results['runs'][method] = []
        for seed in args.seeds:
            work_dir = osp.join(args.work_dir, args.study,
                                method.replace(' ', '_'), f'seed{seed}')
            metrics = train(config, work_dir, seed, args.skip_finished)
            metrics['seed'] = seed
            results['runs'][method].append(metrics)
    results['minutes'] = round((time.time() - start) / 60, 1)

    out = osp.join(ROOT, 'docs', 'results', f'{args.study}.json')
    os.makedirs(osp.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(results, f, indent=2)
    text = table(study, results)
    print('\n' + text + f'\n\n({results["minutes"]} min; runs: {out})')
    if args.update_readme:
        update_readme(args.study, text)


if __name__ == '__main__':
    main()

# Copyright (c) mmslkd contributors. All rights reserved.
"""Benchmark training speed against a plain PyTorch loop doing the same math.

For each config, in its own process (so peak memory is its own), the model
and optimizer are built from the config as the Runner builds them, and a
plain PyTorch reference (``mmslkd.benchmark.ReferenceStep``: the same
networks and weights, hand-written losses, ``torch.optim``) runs beside it:

- ``step`` mode, data in memory: ``model.train_step`` and the reference on
  the same batch, alternating; time per iteration and images/s, the time
  split into data (preprocessing), teacher forward(s), SL-T forward,
  student forward, backward, optimizer step and other (losses, recorders,
  logs), the peak memory of a step (RSS above its start on CPU, allocator
  peak on GPU) and FLOPs per step (``FlopCounterMode``);
- ``e2e`` mode, the real data pipeline: ``runner.train()`` (dataloader with
  the config's pipeline and workers, hooks, logging) against a plain
  ``DataLoader`` loop with the same augmentation written per sample.

Reported: ours / reference per config, and across configs the time and
FLOP ratios to the first config (e.g. SLKD / KD measured against what the
arithmetic predicts). Table on stdout, everything in ``--out`` JSON.

    python tools/analysis_tools/benchmark_train.py \\
        configs/kd/kd_r56_r20_cifar100.py \\
        configs/slkd/slkd_r56_r20_cifar100.py \\
        configs/amtml/amtml_r56+r110_r20_cifar100.py \\
        --mode both --batch-size 64 --iters 20 --out bench.json
"""
# isort: off
import mmslkd  # noqa: F401  (upstream fixes, registries)
# isort: on
import argparse
import json
import math
import os
import os.path as osp
import statistics
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument(
        '--mode', choices=('step', 'e2e', 'both'), default='step')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--iters', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--rounds',
        type=int,
        default=1,
        help='repeat every measurement; medians are reported')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--lr-scale',
        type=float,
        default=1e-3,
        help='factor of the configs\' learning rates: random teachers on '
        'random data diverge at the recipes\' rates, and NaN arithmetic is '
        'not what training runs; no operation changes')
    parser.add_argument(
        '--data-root',
        help='dataset folder for e2e mode (default: a generated '
        'CIFAR-100-format folder)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='key=value overrides applied to every config, e.g. to turn a '
        'fast path on')
    parser.add_argument(
        '--keep-freed-memory',
        action='store_true',
        help='let glibc keep freed memory (KeepFreedMemoryHook) in the '
        'measuring processes, for ours and the reference alike')
    parser.add_argument('--out', help='write the results as JSON')
    parser.add_argument(
        '--single', action='store_true', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def measure_one(args) -> dict:
    """Both modes for one config, in this process."""
    from mmengine.config import Config, DictAction

    from mmslkd.benchmark import benchmark_end_to_end, benchmark_step
    if args.keep_freed_memory:
        from mmslkd.utils.malloc import keep_freed_memory
        if not keep_freed_memory():
            raise SystemExit('--keep-freed-memory needs glibc.')
    cfg = Config.fromfile(args.configs[0])
    if args.cfg_options:
        options = DictAction._parse_iterable
        cfg.merge_from_dict({
            k: options(v)
            for k, v in (o.split('=', 1) for o in args.cfg_options)
        })
    result = dict(config=args.configs[0])
    if args.mode in ('step', 'both'):
        result['step'] = benchmark_step(
            cfg,
            args.batch_size,
            args.iters,
            args.warmup,
            args.device,
            lr_scale=args.lr_scale)
    if args.mode in ('e2e', 'both'):
        result['e2e'] = benchmark_end_to_end(
            cfg,
            args.batch_size,
            args.iters,
            args.warmup,
            args.device,
            args.data_root,
            lr_scale=args.lr_scale)
    return result


def run_isolated(config: str, args) -> dict:
    """Measure one config in a fresh Python process."""
    cmd = [sys.executable, osp.abspath(__file__), config, '--single']
    for name, value in vars(args).items():
        if name in ('configs', 'single', 'rounds',
                    'out') or value in (None, False, []):
            continue
        flag = '--' + name.replace('_', '-')
        if value is True:
            cmd.append(flag)
        elif isinstance(value, list):
            cmd += [flag, *value]
        else:
            cmd += [flag, str(value)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f'benchmark of {config} failed (exit '
                         f'{proc.returncode}); its error is above.')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median_of(runs, *keys):
    values = []
    for run in runs:
        value = run
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            values.append(value)
    return statistics.median(values) if values else None


def summarise(rounds: list) -> list:
    """Per config: medians over rounds; ratios to the reference loop and
    to the first config."""
    rows = []
    for runs in zip(*rounds):
        row = dict(config=runs[0]['config'])
        if 'step' in runs[0]:
            step = runs[0]['step']
            row['step'] = dict(
                ours_s=_median_of(runs, 'step', 'ours', 'seconds_per_iter'),
                reference_s=_median_of(runs, 'step', 'reference',
                                       'seconds_per_iter'),
                ratio=_median_of(runs, 'step', 'time_ratio'),
                flops=step['ours']['flops_per_iter'],
                peak_memory_mb=_median_of(runs, 'step', 'ours',
                                          'peak_memory_mb'),
                reference_peak_memory_mb=_median_of(runs, 'step', 'reference',
                                                    'peak_memory_mb'),
                phases_ms={
                    who: {
                        p: 1000 * _median_of(runs, 'step', who, 'phases', p)
                        for p in step[who]['phases']
                    }
                    for who in ('ours', 'reference') if who in step
                },
                reference_missing=step['reference_missing'],
                final_losses_finite=all(
                    math.isfinite(run['step'][who]['final_loss'])
                    for run in runs for who in ('ours', 'reference')
                    if who in run['step']),
                trainable_params=step['trainable_params'])
        if 'e2e' in runs[0]:
            row['e2e'] = dict(
                ours_s=_median_of(runs, 'e2e', 'ours', 'seconds_per_iter'),
                reference_s=_median_of(runs, 'e2e', 'reference',
                                       'seconds_per_iter'),
                ratio=_median_of(runs, 'e2e', 'time_ratio'),
                reference_missing=runs[0]['e2e']['reference_missing'])
        rows.append(row)
    if 'step' in rows[0]:
        first = rows[0]['step']
        for row in rows:
            step = row['step']
            step['time_vs_first'] = step['ours_s'] / first['ours_s']
            step['flops_vs_first'] = step['flops'] / first['flops']
            step['time_over_flops_ratio'] = (
                step['time_vs_first'] / step['flops_vs_first'])
    return rows


def _fmt(value, spec='.3f', none='n/a'):
    return none if value is None else format(value, spec)


def markdown(rows: list, batch_size: int) -> str:
    """The tables of the summary."""
    out = []
    name = [f'`{osp.basename(r["config"])}`' for r in rows]
    if 'step' in rows[0]:
        out += [
            f'Training step, data in memory (batch {batch_size}):', '',
            '| config | img/s | s/iter | reference s/iter | ours / '
            'reference | GFLOPs/iter | time vs first | FLOPs vs first | '
            'time / FLOPs ratio | step peak memory (ours / reference) |',
            '|---|---|---|---|---|---|---|---|---|---|'
        ]
        for n, r in zip(name, rows):
            s = r['step']
            out.append(
                f'| {n} | {batch_size / s["ours_s"]:.1f} | '
                f'{s["ours_s"]:.3f} | {_fmt(s["reference_s"])} | '
                f'{_fmt(s["ratio"])} | {s["flops"] / 1e9:.1f} | '
                f'{s["time_vs_first"]:.2f} | {s["flops_vs_first"]:.2f} | '
                f'{s["time_over_flops_ratio"]:.3f} | '
                f'{s["peak_memory_mb"]:.0f} / '
                f'{_fmt(s["reference_peak_memory_mb"], ".0f")} MB |')
        out += [
            '', 'Where the step time goes (ms/iter, ours | reference):', ''
        ]
        phases = list(rows[0]['step']['phases_ms']['ours'])
        out.append('| config | ' + ' | '.join(phases) + ' |')
        out.append('|---|' + '---|' * len(phases))
        for n, r in zip(name, rows):
            ms = r['step']['phases_ms']
            cells = []
            for p in phases:
                ref = ms.get('reference', {}).get(p)
                cells.append(
                    f'{ms["ours"][p]:.1f} | {_fmt(ref, ".1f")}'.replace(
                        ' | ', ' / '))
            out.append(f'| {n} | ' + ' | '.join(cells) + ' |')
    if 'e2e' in rows[0]:
        out += [
            '', f'End to end, real data pipeline (batch {batch_size}):', '',
            '| config | s/iter | reference s/iter | ours / reference |',
            '|---|---|---|---|'
        ]
        for n, r in zip(name, rows):
            e = r['e2e']
            out.append(f'| {n} | {e["ours_s"]:.3f} | '
                       f'{_fmt(e["reference_s"])} | {_fmt(e["ratio"])} |')
    missing = {
        osp.basename(r['config']): r[m]['reference_missing']
        for r in rows
        for m in ('step', 'e2e') if m in r and r[m]['reference_missing']
    }
    for config, why in missing.items():
        out.append(f'\nNo reference for `{config}`: {why}')
    for r in rows:
        if 'step' in r and not r['step']['final_losses_finite']:
            out.append(f'\nWARNING: `{osp.basename(r["config"])}` reached a '
                       'non-finite loss; its timings include NaN arithmetic '
                       '(lower --lr-scale).')
    return '\n'.join(out)


def main():
    args = parse_args()
    if args.single:
        print(json.dumps(measure_one(args)))
        return
    rounds = []
    for i in range(args.rounds):
        rounds.append([run_isolated(c, args) for c in args.configs])
        print(f'round {i + 1}/{args.rounds} done', file=sys.stderr)
    rows = summarise(rounds)
    print(markdown(rows, args.batch_size))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(
                dict(command=' '.join(sys.argv), rounds=rounds, summary=rows),
                f,
                indent=2)


if __name__ == '__main__':
    main()

# Copyright (c) mmslkd contributors. All rights reserved.
"""Soak test: train a config for many iterations through the real Runner
and report how the process's resident memory (RSS) grows after warm-up.

A leak from recorders, hooks or logged tensors shows as RSS that keeps
growing with iterations; a healthy run plateaus after warm-up. The default
is SLKD on the embedded digits (no download), 2,000 iterations.

    python tools/analysis_tools/memory_soak.py \
        [CONFIG] [--iters 2000] [--warmup 600] [--batch-size 16] \
        [--out docs/results/memory_soak.json]

Prints RSS samples and the growth from the end of warm-up to the end, and
writes them (with the command and the machine) to ``--out``.
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
import tempfile
import time

# isort: off
import mmslkd  # noqa: F401
# isort: on
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

DEFAULT = 'configs/embedded/slkd_r20_r8tiny_mnist1k.py'


def rss_mb() -> float:
    """Current resident set size of this process, in MiB (Linux)."""
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf('SC_PAGE_SIZE') / 2**20


class RSSRecorder(Hook):
    """Sample RSS every ``interval`` training iterations."""

    priority = 'LOWEST'

    def __init__(self, interval: int) -> None:
        self.interval = interval
        self.samples = []

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        it = runner.iter + 1
        if it == 1 or it % self.interval == 0:
            self.samples.append((it, round(rss_mb(), 1)))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', default=DEFAULT)
    parser.add_argument('--iters', type=int, default=2000)
    parser.add_argument(
        '--warmup',
        type=int,
        default=600,
        help='iterations before the baseline sample (past the first '
        'validation, whose buffers are allocated once)')
    parser.add_argument('--interval', type=int, default=100)
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument(
        '--val-every',
        type=int,
        default=500,
        help='validate every this many iterations')
    parser.add_argument('--out', help='write the report (JSON) here')
    args = parser.parse_args()
    check_args(parser, args)
    return args


def check_args(parser, args) -> None:
    """Refuse, before anything runs, options that leave fewer than two RSS
    samples after warm-up (the report compares the first with the last)."""
    for name in ('iters', 'interval', 'batch_size', 'val_every'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1, got '
                         f'{getattr(args, name)}.')
    if args.warmup < 0:
        parser.error(f'--warmup must be >= 0, got {args.warmup}.')

    def samples_after_warmup(iters):
        # RSSRecorder samples iteration 1 and every --interval iterations
        return [
            it for it in range(1, iters + 1)
            if (it == 1 or it % args.interval == 0) and it >= args.warmup
        ]

    if len(samples_after_warmup(args.iters)) < 2:
        needed = max(args.warmup, 1)
        while len(samples_after_warmup(needed)) < 2:
            needed += 1
        parser.error(
            f'--iters {args.iters} leaves fewer than two memory samples '
            f'after --warmup {args.warmup} (samples every --interval '
            f'{args.interval} iterations): nothing to compare. Use --iters '
            f'>= {needed}, or a shorter --warmup.')


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.work_dir = tempfile.mkdtemp(prefix='memory_soak_')
    cfg.train_dataloader.batch_size = args.batch_size
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.val_dataloader.num_workers = 0
    cfg.val_dataloader.persistent_workers = False
    # an iteration-based loop of exactly --iters, validating now and then
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop',
        max_iters=args.iters,
        val_interval=args.val_every)
    cfg.param_scheduler = []
    cfg.log_processor = dict(by_epoch=False)
    cfg.default_hooks.logger = dict(
        type='LoggerHook', interval=args.interval, log_metric_by_epoch=False)
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook',
        interval=args.iters,
        by_epoch=False,
        max_keep_ckpts=1)
    cfg.randomness = dict(seed=0)
    recorder = RSSRecorder(args.interval)
    runner = Runner.from_cfg(cfg)
    runner.register_hook(recorder)
    start = time.time()
    runner.train()
    minutes = (time.time() - start) / 60

    after_warmup = [mb for it, mb in recorder.samples if it >= args.warmup]
    growth = after_warmup[-1] - after_warmup[0]
    report = dict(
        command=' '.join(['python', *sys.argv]),
        config=args.config,
        iters=args.iters,
        warmup=args.warmup,
        batch_size=args.batch_size,
        rss_mb=recorder.samples,
        rss_after_warmup_mb=after_warmup[0],
        rss_end_mb=after_warmup[-1],
        growth_after_warmup_mb=round(growth, 1),
        max_after_warmup_mb=max(after_warmup),
        minutes=round(minutes, 1),
        machine=f'{platform.processor() or platform.machine()}, '
        f'{os.cpu_count()} cores, torch {torch.__version__}, '
        f'{torch.get_num_threads()} threads')
    print(f'RSS after {args.warmup} warm-up iterations: {after_warmup[0]:.1f}'
          f' MiB; after {args.iters}: {after_warmup[-1]:.1f} MiB; growth '
          f'{growth:+.1f} MiB (max {max(after_warmup):.1f} MiB) in '
          f'{minutes:.1f} min')
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=1)


if __name__ == '__main__':
    main()

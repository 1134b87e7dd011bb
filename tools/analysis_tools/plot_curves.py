# Copyright (c) mmslkd contributors. All rights reserved.
"""Plot a run's training curves: the accuracy of every network it validates
(student, teacher(s), each SL-T and the fused SL-T) over epochs, and every
loss term over iterations.

    python tools/analysis_tools/plot_curves.py WORK_DIR \
        [--out-dir DIR] [--metric accuracy/top1] [--losses TERM ...]

Writes ``curves.png`` and the data behind it, ``curves.json``. Reads
MMEngine's ``vis_data/scalars.json`` (LocalVisBackend), or, for runs that
logged to TensorBoard only (TensorboardVisBackend), the event files, which
needs the optional ``tensorboard`` package (requirements/optional.txt).
"""
import argparse
import glob
import json
import os
import os.path as osp

# isort: off
import mmslkd  # noqa: F401
# isort: on
from mmslkd.analysis import accuracy_curves, load_training_log, loss_curves
from mmslkd.analysis.figures import plot_training_curves


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', help='work dir of a tools/train.py run')
    parser.add_argument(
        '--out-dir', help='where to write (default: WORK_DIR/analysis)')
    parser.add_argument(
        '--metric', default='accuracy/top1', help='validation metric')
    parser.add_argument(
        '--losses',
        nargs='+',
        help='loss terms to plot (default: every term and the total)')
    return parser.parse_args(argv)


def run_name(work_dir: str) -> str:
    """The run's config name (dumped in its work dir), or the dir's."""
    configs = sorted(glob.glob(osp.join(work_dir, '*.py')))
    return osp.basename(configs[0])[:-3] if configs else osp.basename(
        osp.normpath(work_dir))


def main(argv=None):
    args = parse_args(argv)
    out_dir = args.out_dir or osp.join(args.work_dir, 'analysis')
    os.makedirs(out_dir, exist_ok=True)
    log = load_training_log(args.work_dir)
    accuracy = accuracy_curves(log['val'], args.metric)
    losses = loss_curves(log['train'])
    if args.losses:
        unknown = sorted(set(args.losses) - set(losses))
        if unknown:
            raise SystemExit(f'--losses {unknown} are not in the log; it has '
                             f'{sorted(losses)}.')
        losses = {k: losses[k] for k in args.losses}
    if not accuracy:
        raise SystemExit(f'No {args.metric!r} in the validation records of '
                         f'{args.work_dir}; choose --metric among the logged '
                         'ones.')
    png = plot_training_curves(
        accuracy,
        losses,
        osp.join(out_dir, 'curves.png'),
        metric=args.metric,
        title=run_name(args.work_dir))
    data = dict(
        metric=args.metric,
        accuracy={
            k: dict(epoch=e, value=v)
            for k, (e, v) in accuracy.items()
        },
        losses={
            k: dict(iter=i, value=v)
            for k, (i, v) in losses.items()
        })
    with open(osp.join(out_dir, 'curves.json'), 'w') as f:
        json.dump(data, f, indent=1)
    for name, (epochs, values) in accuracy.items():
        print(f'{name:>20}: {args.metric} {values[-1]:.2f} at epoch '
              f'{epochs[-1]} (best {max(values):.2f})')
    print(f'wrote {png}')


if __name__ == '__main__':
    main()

# Copyright (c) mmslkd contributors. All rights reserved.
"""Heatmaps of how far students' logits are from their teacher's (SLKD
paper, Fig. 6): the absolute difference between the student's and the
teacher's class-by-class logit matrices over a test set, for one or several
students side by side, with the mean absolute difference of each.

    python tools/analysis_tools/correlation_difference.py \
        CONFIG CHECKPOINT [CONFIG CHECKPOINT ...] [--labels KD SLKD] \
        [--teacher CONFIG CHECKPOINT] [--out-dir DIR] [--mode class_mean]

Each CONFIG CHECKPOINT is a run (a distillation checkpoint or a plain
classifier); its ``student`` (or the classifier) is compared. The teacher is
``--teacher`` or else the teacher inside the first checkpoint. The data is
the first config's test set. Writes ``correlation_difference.png`` and
``correlation_difference.json`` (matrices and means).
"""
import argparse
import json
import os
import os.path as osp

# isort: off
import mmslkd  # noqa: F401
# isort: on
from mmslkd.analysis import (build_test_dataloader, collect_outputs,
                             correlation_difference, load_model,
                             mean_abs_difference, network_names, split_runs)
from mmslkd.analysis.figures import plot_correlation_differences
from mmslkd.analysis.progress import track


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'runs', nargs='+', help='CONFIG CHECKPOINT pairs of the students')
    parser.add_argument('--labels', nargs='+', help='one label per run')
    parser.add_argument(
        '--teacher',
        nargs=2,
        metavar=('CONFIG', 'CHECKPOINT'),
        help='the teacher (default: the one inside the first checkpoint)')
    parser.add_argument('--out-dir', default='work_dirs/analysis')
    parser.add_argument(
        '--mode', default='class_mean', choices=['class_mean', 'pearson'])
    parser.add_argument(
        '--max-diff',
        type=float,
        default=3.0,
        help='top of the colour scale (mdistiller uses 3.0)')
    parser.add_argument('--max-samples', type=int)
    args = parser.parse_args(argv)
    try:
        args.runs, args.labels = split_runs(args.runs, args.labels)
    except ValueError as err:
        parser.error(str(err))
    return args


def own_network(model, role: str) -> str:
    names = network_names(model)
    if role == 'student':
        return 'model' if names == ['model'] else 'student'
    if names == ['model']:
        return 'model'
    teachers = [n for n in names if n.startswith('teacher')]
    if not teachers:
        raise SystemExit('The first checkpoint holds no teacher; give '
                         '--teacher CONFIG CHECKPOINT.')
    return teachers[0]


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    loader = build_test_dataloader(
        args.runs[0][0], max_samples=args.max_samples)
    if args.teacher:
        teacher_model = load_model(*args.teacher)
        teacher_net = own_network(teacher_model, 'student')
    else:
        teacher_model = load_model(*args.runs[0])
        teacher_net = own_network(teacher_model, 'teacher')
    teacher = collect_outputs(teacher_model,
                              track(loader, f'{teacher_net}: logits'),
                              [teacher_net])
    labels = teacher['labels']
    diffs, means = {}, {}
    for label, run in zip(args.labels, args.runs):
        model = load_model(*run)
        student = collect_outputs(model,
                                  track(loader, f'{label}: student logits'),
                                  [own_network(model, 'student')])
        (logits, ) = student['logits'].values()
        diffs[label] = correlation_difference(logits,
                                              teacher['logits'][teacher_net],
                                              labels, args.mode)
        means[label] = mean_abs_difference(diffs[label])
        print(f'{label}: mean |difference| = {means[label]:.4f} '
              f'({args.mode}, {len(labels)} images)')
    png = plot_correlation_differences(
        diffs,
        osp.join(args.out_dir, 'correlation_difference.png'),
        vmax=args.max_diff if args.mode == 'class_mean' else 1.0,
        means=means,
        ylabel='images of class' if args.mode == 'class_mean' else 'class',
        xlabel='logit of class' if args.mode == 'class_mean' else 'class')
    with open(osp.join(args.out_dir, 'correlation_difference.json'), 'w') as f:
        json.dump(
            dict(
                mode=args.mode,
                num_images=int(len(labels)),
                mean_abs_difference=means,
                difference={
                    k: v.tolist()
                    for k, v in diffs.items()
                }), f)
    print(f'wrote {png}')


if __name__ == '__main__':
    main()

# Copyright (c) mmslkd contributors. All rights reserved.
"""Which teacher did a multi-teacher student listen to? Runs the trained
weighting rule (AMTML-KD's latent adapter, entropy, confidence...) of a
MultiTeacherDistill checkpoint over a test set and reports the distribution
of the per-instance weights per teacher and the images weighted most
one-sidedly.

    python tools/analysis_tools/teacher_weight_report.py CONFIG CHECKPOINT \
        [--num-examples 12] [--max-samples N] [--out-dir DIR]

Writes ``teacher_weights.png`` (histograms), ``teacher_weight_examples.png``,
``teacher_weights.csv`` (per image) and ``teacher_weights.json`` (summary).
"""
import argparse
import csv
import json
import os
import os.path as osp

# isort: off
import mmslkd  # noqa: F401
# isort: on
from mmslkd.analysis import (build_test_dataloader, collect_teacher_weights,
                             load_model, most_skewed,
                             summarize_teacher_weights)
from mmslkd.analysis.figures import plot_image_grid, plot_teacher_weights
from mmslkd.analysis.progress import track


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the MultiTeacherDistill config')
    parser.add_argument('checkpoint', help='its checkpoint')
    parser.add_argument('--num-examples', type=int, default=12)
    parser.add_argument('--max-samples', type=int)
    parser.add_argument('--out-dir', default='work_dirs/analysis')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    model = load_model(args.config, args.checkpoint)
    result = collect_teacher_weights(
        model,
        track(
            build_test_dataloader(args.config, max_samples=args.max_samples),
            'teacher weights'))
    weights, teachers = result['weights'], result['teachers']
    summary = summarize_teacher_weights(weights, teachers)
    for name, stats in summary['teachers'].items():
        print(f'{name:>16}: mean {stats["mean"]:.4f} std {stats["std"]:.4f} '
              f'range [{stats["min"]:.4f}, {stats["max"]:.4f}] largest for '
              f'{100 * stats["top_share"]:.1f}% of images')
    print(f'mean weight entropy {summary["mean_entropy"]:.4f} nats '
          f'(uniform: {summary["max_entropy"]:.4f})')
    plot_teacher_weights(weights, teachers,
                         osp.join(args.out_dir, 'teacher_weights.png'))
    picks = most_skewed(weights, args.num_examples)
    captions = [
        f'class {result["labels"][i]}\n' +
        ' '.join(f'{n}:{w:.2f}' for n, w in zip(teachers, weights[i]))
        for i in picks
    ]
    plot_image_grid(result['images'][picks], captions,
                    osp.join(args.out_dir, 'teacher_weight_examples.png'))
    with open(
            osp.join(args.out_dir, 'teacher_weights.csv'), 'w',
            newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['sample', 'class', *teachers])
        for i, (cls, row) in enumerate(zip(result['labels'], weights)):
            writer.writerow([i, int(cls), *(f'{w:.6f}' for w in row)])
    summary['most_skewed'] = [int(i) for i in picks]
    with open(osp.join(args.out_dir, 'teacher_weights.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    print(f'wrote {args.out_dir}/teacher_weights.png and '
          'teacher_weight_examples.png')


if __name__ == '__main__':
    main()

# Copyright (c) mmslkd contributors. All rights reserved.
"""t-SNE of networks' penultimate features, coloured by class (SLKD paper,
Fig. 5), for one or several checkpoints side by side, with the classes'
silhouette score in feature space (higher: more separable).

    python tools/analysis_tools/tsne_features.py \
        CONFIG CHECKPOINT [CONFIG CHECKPOINT ...] [--labels KD SLKD] \
        [--network student] [--max-samples 2000] [--out-dir DIR]

The data is the first config's test set. Writes ``tsne.png`` and
``tsne.csv`` (label, sample, class, x, y).
"""
import argparse
import csv
import json
import os
import os.path as osp
import sys

# isort: off
import mmslkd  # noqa: F401
# isort: on
from mmslkd.analysis import (build_test_dataloader, class_separability,
                             collect_outputs, load_model, network_names,
                             split_runs, tsne_embedding)
from mmslkd.analysis.figures import plot_embeddings
from mmslkd.analysis.progress import track


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('runs', nargs='+', help='CONFIG CHECKPOINT pairs')
    parser.add_argument('--labels', nargs='+', help='one label per run')
    parser.add_argument(
        '--network',
        default='student',
        help='network of each checkpoint (student, teacher, slt0, ...; '
        'plain classifiers have only their own)')
    parser.add_argument('--max-samples', type=int, default=2000)
    parser.add_argument('--perplexity', type=float, default=30.0)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out-dir', default='work_dirs/analysis')
    args = parser.parse_args(argv)
    try:
        args.runs, args.labels = split_runs(args.runs, args.labels)
    except ValueError as err:
        parser.error(str(err))
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    loader = build_test_dataloader(
        args.runs[0][0], max_samples=args.max_samples)
    embeddings, scores, labels = {}, {}, None
    for label, run in zip(args.labels, args.runs):
        model = load_model(*run)
        names = network_names(model)
        network = 'model' if names == ['model'] else args.network
        out = collect_outputs(
            model,
            track(loader, f'{label}: {network} features'), [network],
            features=True)
        labels = out['labels']
        features = out['features'][network]
        print(f'{label}: t-SNE of {len(features)} points...',
              file=sys.stderr, flush=True)
        embeddings[label] = tsne_embedding(features, args.seed,
                                           args.perplexity)
        scores[label] = class_separability(features, labels)
        print(f'{label} ({network}, {features.shape[1]}-d features of '
              f'{len(labels)} images): silhouette {scores[label]:.4f}')
    png = plot_embeddings(embeddings, labels, osp.join(args.out_dir,
                                                       'tsne.png'), scores)
    with open(osp.join(args.out_dir, 'tsne.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['label', 'sample', 'class', 'x', 'y'])
        for label, points in embeddings.items():
            for i, ((x, y), cls) in enumerate(zip(points, labels)):
                writer.writerow([label, i, int(cls), f'{x:.5f}', f'{y:.5f}'])
    with open(osp.join(args.out_dir, 'tsne_silhouette.json'), 'w') as f:
        json.dump(scores, f, indent=1)
    print(f'wrote {png}')


if __name__ == '__main__':
    main()

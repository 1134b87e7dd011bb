# Copyright (c) mmslkd contributors. All rights reserved.
"""How confident classifiers are on a test set: top-1 accuracy, the mean
top-1 probability and the mean entropy of their predictions, at T = 1 and at
a distillation temperature (what a student sees as soft targets).

Made for the strict and loose teachers of the two-teacher framework
(docs/two_teacher.md), whose difference should be "a bit less accurate, but
milder"; works for any classifier checkpoints.

    python tools/analysis_tools/confidence_report.py \
        configs/cifar100-10k/resnet20_cifar100-10k.py \
        checkpoints/cifar100-10k/resnet20_cifar100-10k.pth \
        configs/cifar100-10k/resnet20-tolerant-eta1.0_cifar100-10k.py \
        checkpoints/cifar100-10k/resnet20-tolerant-eta1.0_cifar100-10k.pth \
        --labels strict loose --out docs/results/two_teacher_confidence.json
"""
import argparse
import json
import os
import os.path as osp

import torch
import torch.nn.functional as F

# isort: off
import mmslkd  # noqa: F401
# isort: on
from mmslkd.analysis import (build_test_dataloader, collect_outputs,
                             load_model, network_names, split_runs)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'runs', nargs='+', help='CONFIG CHECKPOINT pairs of classifiers')
    parser.add_argument('--labels', nargs='+', help='one label per run')
    parser.add_argument(
        '--tau', type=float, default=4.0, help='distillation temperature')
    parser.add_argument('--max-samples', type=int)
    parser.add_argument('--out', help='JSON file for the numbers')
    args = parser.parse_args(argv)
    try:
        args.runs, args.labels = split_runs(args.runs, args.labels)
    except ValueError as err:
        parser.error(str(err))
    return args


def confidence(logits: torch.Tensor, labels: torch.Tensor,
               tau: float) -> dict:
    """Accuracy (%), mean top-1 probability and mean entropy (nats) of
    ``softmax(logits)`` and of ``softmax(logits / tau)``.

    Args:
        logits (Tensor): (N, C).
        labels (Tensor): (N, ).
        tau (float): The distillation temperature.

    Returns:
        dict: The numbers.
    """
    out = dict(top1=(logits.argmax(1) == labels).double().mean().item() * 100)
    for name, t in (('T1', 1.0), (f'T{tau:g}', tau)):
        probs = F.softmax(logits.double() / t, dim=1)
        out[f'mean_top_prob_{name}'] = probs.max(1).values.mean().item()
        out[f'mean_entropy_{name}'] = (-torch.xlogy(probs, probs).sum(1)
                                       ).mean().item()
    return out


def main(argv=None):
    args = parse_args(argv)
    loader = build_test_dataloader(
        args.runs[0][0], max_samples=args.max_samples)
    report = {}
    for (config, checkpoint), label in zip(args.runs, args.labels):
        model = load_model(config, checkpoint)
        # a classifier ('model'), or the student of a distillation run
        net = network_names(model)[0]
        outputs = collect_outputs(model, loader, networks=(net, ))
        report[label] = dict(
            config=config,
            checkpoint=checkpoint,
            **confidence(
                torch.from_numpy(outputs['logits'][net]),
                torch.from_numpy(outputs['labels']), args.tau))
    header = ['network', 'top-1 %', 'mean top-1 prob', 'mean entropy',
              f'at T={args.tau:g}: top-1 prob', 'entropy']
    print('| ' + ' | '.join(header) + ' |')
    print('|' + '---|' * len(header))
    for label, r in report.items():
        t = f'T{args.tau:g}'
        print(f'| {label} | {r["top1"]:.2f} | {r["mean_top_prob_T1"]:.3f} | '
              f'{r["mean_entropy_T1"]:.3f} | {r[f"mean_top_prob_{t}"]:.3f} | '
              f'{r[f"mean_entropy_{t}"]:.3f} |')
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=1)
            f.write('\n')


if __name__ == '__main__':
    main()

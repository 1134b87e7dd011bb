# Copyright (c) mmslkd contributors. All rights reserved.
"""How well a batch estimates the inter-class correlation (ICC) matrix, and
how large the ICC mimic term is against KD (issue 16, item 3).

The ICC matrix of a batch (``inter_class_correlation``) is the C x C Pearson
correlation between class columns of ``softmax(z / tau)`` over B samples: its
rank is at most B - 1, below C when B = 64/128 and C = 100/200. This tool
measures, on a test set:

- ``rank``: the numerical rank of each batch's matrix;
- ``rel_error``: ``||R_batch - R_full||_F / ||R_full||_F`` against the matrix
  of the whole test set, for single batches and for the covariance averaged
  over batches with an EMA (momentum 0.9, the loss's ``target_momentum`` /
  ``student_momentum``; error over the second half of the pass);
- ``mimic_over_kd``: ``||R_S - R_T||_F^2 / C^2`` (lambda_S = 1) over the KD
  term ``0.9 T^2 KL`` (T = 4), batch by batch, for a student at
  initialisation and after ``--kd-steps`` KD steps (teacher logits computed
  once, no augmentation), with the batch's own matrices and with EMA
  matrices on both sides;
- the same rank/noise numbers for a randomly initialised network with
  ``--random-classes`` outputs (e.g. 200, Tiny ImageNet's count);
- ``regularizer``: the expressive teacher's feature-grounded term
  ``1 - Pearson(offdiag R_T, offdiag S_F)`` (S_F: cosine similarity of the
  class centroids of the penultimate features) on training batches of 128
  for the trained teacher, next to its cross-entropy there.

    python tools/analysis_tools/icc_batch_noise.py \
        configs/cifar100-10k/resnet20_cifar100-10k.py \
        docs/results/teachers/resnet20_cifar100-10k.pth \
        --student configs/cifar100-10k/resnet8_cifar100-10k.py \
        --out docs/results/icc_batch_noise.json

About 2-3 minutes on one CPU core with the defaults (more when the cores
are shared).
"""
import argparse
import copy
import json
import os
import os.path as osp
import time

import torch
import torch.nn.functional as F
from mmengine.config import Config

# isort: off
import mmslkd  # noqa: F401
# isort: on
from mmslkd.analysis import build_test_dataloader, load_model
from mmslkd.models.losses.inter_class_correlation import (
    class_covariance, correlation_from_covariance)

TAU = 4.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the teacher (a classifier config)')
    parser.add_argument('checkpoint', help='its checkpoint')
    parser.add_argument(
        '--student', required=True, help='the student (a classifier config)')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[64, 128])
    parser.add_argument('--kd-steps', type=int, default=200)
    parser.add_argument(
        '--train-samples',
        type=int,
        default=5000,
        help='training images for the KD steps and the regulariser')
    parser.add_argument('--random-classes', type=int, default=200)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='JSON file for the measurements')
    return parser.parse_args(argv)


@torch.no_grad()
def inputs_and_labels(config, split, max_samples=None):
    """The images of a split, preprocessed (no augmentation), and labels."""
    cfg = Config.fromfile(config)
    loader = build_test_dataloader(
        cfg, split=split, batch_size=500, max_samples=max_samples)
    model = load_model(cfg)
    xs, ys = [], []
    for data in loader:
        batch = model.data_preprocessor(data, False)
        xs.append(batch['inputs'])
        ys.append(torch.cat([s.gt_label for s in batch['data_samples']]))
    return torch.cat(xs), torch.cat(ys)


@torch.no_grad()
def logits_of(net, x, chunk=500):
    net.eval()
    return torch.cat([
        net(x[i:i + chunk], mode='tensor') for i in range(0, len(x), chunk)
    ]).double()


def batches(n, size, seed):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return [order[i:i + size] for i in range(0, n - size + 1, size)]


def rel_error(r, full):
    return ((r - full).norm() / full.norm()).item()


def noise(logits, sizes, seed):
    """Rank and relative error of batch and EMA estimates of R."""
    full = correlation_from_covariance(class_covariance(logits, TAU))
    out = dict(classes=logits.shape[1], samples=len(logits))
    for size in sizes:
        ranks, errors = [], []
        ema = {0.9: None}
        ema_errors = {m: [] for m in ema}
        for idx in batches(len(logits), size, seed):
            cov = class_covariance(logits[idx], TAU)
            r = correlation_from_covariance(cov)
            ranks.append(int(torch.linalg.matrix_rank(r)))
            errors.append(rel_error(r, full))
            for m in ema:
                ema[m] = cov if ema[m] is None else m * ema[m] + (1 - m) * cov
                ema_errors[m].append(
                    rel_error(correlation_from_covariance(ema[m]), full))
        half = len(errors) // 2  # after the EMA warmed up
        out[f'B{size}'] = dict(
            batches=len(errors),
            rank_max=max(ranks),
            rank_mean=sum(ranks) / len(ranks),
            rel_error_batch=sum(errors) / len(errors),
            **{
                f'rel_error_ema{m}': sum(e[half:]) / len(e[half:])
                for m, e in ema_errors.items()
            })
    return out


def kd_term(s, t):
    return 0.9 * TAU**2 * F.kl_div(
        F.log_softmax(s / TAU, 1),
        F.softmax(t / TAU, 1),
        reduction='batchmean')


def mimic_ratios(student, teacher, size, seed, momentum=0.9):
    """Mean over batches of the mimic term (lambda_S = 1) and of its ratio
    to KD, with batch matrices and with EMA matrices on both sides."""
    c = student.shape[1]
    kd, batch_mimic, ema_mimic = [], [], []
    cov_s = cov_t = None
    for idx in batches(len(student), size, seed):
        s_cov = class_covariance(student[idx], TAU)
        t_cov = class_covariance(teacher[idx], TAU)
        cov_s = s_cov if cov_s is None else momentum * cov_s + (
            1 - momentum) * s_cov
        cov_t = t_cov if cov_t is None else momentum * cov_t + (
            1 - momentum) * t_cov
        kd.append(kd_term(student[idx], teacher[idx]).item())
        batch_mimic.append(((correlation_from_covariance(s_cov) -
                             correlation_from_covariance(t_cov))**2).sum() /
                           c**2)
        ema_mimic.append(((correlation_from_covariance(cov_s) -
                           correlation_from_covariance(cov_t))**2).sum() /
                         c**2)
    mean = lambda v: float(sum(v) / len(v))  # noqa: E731
    full = ((correlation_from_covariance(class_covariance(student, TAU)) -
             correlation_from_covariance(class_covariance(teacher, TAU)))**2
            ).sum().item() / c**2
    return dict(
        kd=mean(kd),
        mimic_batch=mean(batch_mimic),
        mimic_ema=mean(ema_mimic),
        mimic_full=full,
        mimic_over_kd_batch=mean(batch_mimic) / mean(kd),
        mimic_over_kd_ema=mean(ema_mimic) / mean(kd))


@torch.no_grad()
def regularizer_share(net, x, y, size, seed):
    """Mean feature-grounded ICC regulariser (lambda_T = 1) and CE of a
    trained classifier over batches of ``size``."""
    net.eval()
    feats, logits = [], []
    for i in range(0, len(x), 500):
        neck = net.extract_feat(x[i:i + 500])
        feats.append(net.head.pre_logits(neck).flatten(1))
        logits.append(net.head(neck))
    feats, logits = torch.cat(feats).double(), torch.cat(logits).double()
    classes = logits.shape[1]
    centroids = torch.stack([
        feats[y == c].mean(0) if (y == c).any() else feats.new_zeros(
            feats.shape[1]) for c in range(classes)
    ])
    sim = F.normalize(centroids, dim=1) @ F.normalize(centroids, dim=1).t()
    off = ~torch.eye(classes, dtype=torch.bool)
    regs, ces = [], []
    for idx in batches(len(x), size, seed):
        r = correlation_from_covariance(class_covariance(logits[idx], TAU))
        a, b = r[off] - r[off].mean(), sim[off] - sim[off].mean()
        regs.append((1 - (a * b).sum() / (a.norm() * b.norm())).item())
        ces.append(F.cross_entropy(logits[idx], y[idx]).item())
    return dict(
        batch=size,
        regularizer=sum(regs) / len(regs),
        ce=sum(ces) / len(ces),
        ce_at_init=float(torch.log(torch.tensor(float(classes)))))


def kd_steps(student_net, x, y, teacher_logits, steps, seed):
    """Plain KD (0.1 CE + 0.9 KD, T = 4, SGD lr 0.05) for a few steps."""
    student_net.train()
    opt = torch.optim.SGD(
        student_net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        idx = torch.randint(0, len(x), (64, ), generator=gen)
        z = student_net(x[idx], mode='tensor')
        loss = 0.1 * F.cross_entropy(z, y[idx]) + kd_term(
            z, teacher_logits[idx].float())
        opt.zero_grad()
        loss.backward()
        opt.step()


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    start = time.time()
    x_test, _ = inputs_and_labels(args.config, 'test')
    x_train, y_train = inputs_and_labels(args.config, 'train',
                                         args.train_samples)
    teacher = load_model(args.config, args.checkpoint)
    t_test = logits_of(teacher, x_test)
    t_train = logits_of(teacher, x_train)
    student = load_model(args.student)
    results = dict(
        teacher=args.config,
        checkpoint=args.checkpoint,
        student=args.student,
        tau=TAU,
        teacher_noise=noise(t_test, args.batch_sizes, args.seed),
        regularizer=regularizer_share(teacher, x_train, y_train, 128,
                                      args.seed))
    ratios = {}
    s_test = logits_of(student, x_test)
    for size in args.batch_sizes:
        ratios[f'init_B{size}'] = mimic_ratios(s_test, t_test, size,
                                               args.seed)
    kd_steps(student, x_train, y_train, t_train, args.kd_steps, args.seed)
    s_test = logits_of(student, x_test)
    for size in args.batch_sizes:
        ratios[f'after_{args.kd_steps}_kd_steps_B{size}'] = mimic_ratios(
            s_test, t_test, size, args.seed)
    results['mimic'] = ratios
    cfg = Config.fromfile(args.student)
    random_cfg = copy.deepcopy(cfg)
    random_cfg.model.head.num_classes = args.random_classes
    random_net = load_model(random_cfg)
    results['random_init_noise'] = noise(
        logits_of(random_net, x_test), args.batch_sizes, args.seed)
    results['seconds'] = round(time.time() - start, 1)
    print(json.dumps(results, indent=1))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=1)
            f.write('\n')


if __name__ == '__main__':
    main()

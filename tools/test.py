# Copyright (c) mmslkd contributors. All rights reserved.
"""Evaluate a checkpoint on a config's test set.

    python tools/test.py CONFIG CHECKPOINT [--out metrics.json] \
        [--cfg-options k=v ...]
    bash tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCESSES [same options]

The checkpoint is loaded strictly: a file that does not fit the config's
model is an error, not a silent partial load. For distillation configs the
checkpoint already holds the teachers, so ``teacher_ckpt`` is not re-read.
"""
import argparse
import json
import os
import os.path as osp

# isort: off
# mmslkd first: it applies the upstream fixes before mmrazor is imported
import mmslkd  # noqa: F401
# isort: on
from mmengine.config import Config, DictAction
from mmengine.dist import is_main_process
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmslkd.utils import (build_runner, check_launcher_env,
                          drop_teacher_checkpoints, load_checkpoint_strictly,
                          resolve_dist_backend)


def parse_args():
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument(
        '--trust-pickled-checkpoints',
        action='store_true',
        help='allow checkpoints that need arbitrary pickled objects '
        '(weights_only=False): only for files you trust')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if args.trust_pickled_checkpoints:
        os.environ['MMSLKD_TRUST_PICKLED_CHECKPOINTS'] = '1'
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def load_strictly(runner: Runner, filename: str) -> None:
    """Load ``filename`` into the runner's model; any mismatch is an error."""
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    load_checkpoint_strictly(
        model, filename,
        'Test a distillation checkpoint with its distillation config, or '
        'extract the student first with '
        'tools/model_converters/distill_to_student.py.')


def main():
    args = parse_args()
    check_launcher_env(args.launcher)
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    # the tested checkpoint holds the teachers: no teacher file is read
    cfg.model = drop_teacher_checkpoints(cfg.model)
    cfg.load_from = None
    resolve_dist_backend(cfg)  # gloo without CUDA, also in the logs

    runner = build_runner(cfg)
    load_strictly(runner, args.checkpoint)
    metrics = runner.test()
    if args.out and is_main_process():
        with open(args.out, 'w') as f:
            json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)


if __name__ == '__main__':
    main()

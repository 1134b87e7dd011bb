# Copyright (c) mmslkd contributors. All rights reserved.
"""Train a classifier or a distillation algorithm from a config.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] \
        [--amp] [--auto-scale-lr] [--cfg-options k=v ...]
    bash tools/dist_train.sh CONFIG NUM_PROCESSES [same options]
"""
import argparse
import os
import os.path as osp

# isort: off
# mmslkd first: it applies the upstream fixes before mmrazor is imported
import mmslkd  # noqa: F401
# isort: on
from mmengine.config import Config, DictAction

from mmslkd.utils import (build_runner, check_launcher_env,
                          check_resumable_checkpoint,
                          check_runner_before_train, check_train_config,
                          find_resumable_checkpoint, launcher_world_size,
                          resolve_dist_backend, split_total_batch)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, without a value, from '
        'the newest checkpoint in the work dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic mixed precision training')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not validate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate linearly with the total batch size')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='do not keep dataloader workers alive between epochs')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. model.teacher_ckpt=x.pth')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank; torchrun sets LOCAL_RANK
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


def merge_args(cfg: Config, args) -> Config:
    """Apply the command-line options to the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if args.amp:
        if 'optimizer' not in cfg.optim_wrapper:
            raise SystemExit(
                '--amp turns the config\'s OptimWrapper into an '
                'AmpOptimWrapper, but this config steps separate optimizers '
                f'({", ".join(k for k in cfg.optim_wrapper if k not in ("constructor", "type"))}), '  # noqa: E501
                'which mmslkd\'s algorithms step after one backward in '
                'float32. Train it without --amp, or use a variant with a '
                'single OptimWrapper (e.g. per-network lr_mult in '
                'paramwise_cfg).')
        optim_wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise SystemExit(f'--amp works with OptimWrapper, but the config '
                             f'uses {optim_wrapper}.')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')

    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    if args.no_persistent_workers:
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(key) is not None:
                cfg[key]['persistent_workers'] = False

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)

    if args.auto_scale_lr:
        if not (cfg.get('auto_scale_lr') or {}).get('base_batch_size'):
            raise SystemExit(
                '--auto-scale-lr needs auto_scale_lr = dict('
                'base_batch_size=...) in the config: the total batch its '
                'learning rate is for.')
        cfg.auto_scale_lr.enable = True

    if args.resume == 'auto':
        # the newest *complete* checkpoint (MMEngine's last_checkpoint may
        # name one that a crash left damaged); none yet: start the run
        cfg.resume = True
        cfg.load_from = find_resumable_checkpoint(cfg.work_dir)
        if cfg.load_from is None:
            cfg.resume = False
    elif args.resume is not None:
        # a complete checkpoint that training wrote (not a teacher's)
        check_resumable_checkpoint(args.resume)
        cfg.resume = True
        cfg.load_from = args.resume
    return cfg


def load_config(args):
    """The config as this process trains it, and a line about its batch.

    Applies the command-line options, then splits a total batch
    (``batch_size_is_total``) over the job's processes.
    """
    cfg = merge_args(Config.fromfile(args.config), args)
    batch_line = split_total_batch(cfg, launcher_world_size(args.launcher))
    resolve_dist_backend(cfg)  # gloo without CUDA, also in the logs
    return cfg, batch_line


def main():
    args = parse_args()
    check_launcher_env(args.launcher)
    cfg, batch_line = load_config(args)
    check_train_config(cfg)  # fail before building what would train wrong
    runner = build_runner(cfg)
    check_runner_before_train(runner)
    runner.logger.info(batch_line)
    runner.train()


if __name__ == '__main__':
    main()

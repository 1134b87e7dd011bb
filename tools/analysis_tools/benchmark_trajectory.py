# Copyright (c) mmslkd contributors. All rights reserved.
"""Step benchmark of trajectory replay beside other configs.

``benchmark_train.py`` builds each config's model with random teachers
(``teacher_ckpt='random'``, seeded); a ``TrajectoryDistill`` config also
needs a trajectory recorded for that very teacher. For every such config
this tool builds the model exactly as the benchmark does (same seed), writes
a matching trajectory into a temporary folder (random replayed networks,
the initial and the last epoch recorded: the cost of a replayed step does
not depend on their weights), and a leaf config pointing at it; then it
runs ``benchmark_train.py`` on all configs in one call, so that the ratios
are to the first config (e.g. KD). Every other option goes to
``benchmark_train.py``; ``--out`` names the original configs.

    python tools/analysis_tools/benchmark_trajectory.py \\
        configs/kd/kd_r32x4_r8x4_cifar100.py \\
        configs/trajectory/slt-trajectory_r32x4_r8x4_cifar100.py \\
        configs/trajectory/teacher-trajectory_r32x4_r8x4_cifar100.py \\
        --teacher-trajectory \\
        configs/trajectory/teacher-trajectory_r32x4_r8x4_cifar100.py \\
        --mode step --rounds 2 --iters 5 --out bench.json
"""
# isort: off
import mmslkd  # noqa: F401  (upstream fixes, registries)
# isort: on
import argparse
import copy
import json
import os
import os.path as osp
import subprocess
import sys
import tempfile

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def write_matching_trajectory(config: str, folder: str, teacher_route: bool,
                              seed: int = 0) -> None:
    """A trajectory that fits the model ``benchmark_step`` builds from
    ``config`` with ``seed``.

    Args:
        config (str): A ``TrajectoryDistill`` config.
        folder (str): Where to write the trajectory.
        teacher_route (bool): A teacher trajectory (one network, the last
            record holding the teacher) instead of two SL-Ts.
        seed (int): The benchmark's seed. Defaults to 0.
    """
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from mmslkd.benchmark.builders import build_model_and_optimizer
    from mmslkd.registry import MODELS
    from mmslkd.utils.trajectory import TrajectoryWriter, weights_sha256
    cfg = Config.fromfile(config)
    torch.manual_seed(seed)  # as benchmark_step: the same random teacher
    model, _ = build_model_and_optimizer(cfg, 'cpu')
    network_cfg = copy.deepcopy(model.trajectory_network)
    with DefaultScope.overwrite_default_scope('mmslkd'):
        networks = [
            MODELS.build(copy.deepcopy(network_cfg))
            for _ in range(1 if teacher_route else 2)
        ]
    last = cfg.train_cfg.max_epochs
    writer = TrajectoryWriter(
        folder,
        'teacher' if teacher_route else 'self_learning_teachers',
        network_cfg,
        networks,
        num_classes=model.student.head.num_classes,
        max_epochs=last,
        teacher=None if teacher_route else dict(
            weights_sha256=weights_sha256(model.teacher.state_dict())),
        source='benchmark_trajectory.py')
    writer.start(0)
    writer.record(0, networks)
    writer.record(last, [model.teacher] if teacher_route else networks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument(
        '--teacher-trajectory',
        nargs='*',
        default=[],
        help='configs among the above that replay a teacher trajectory')
    parser.add_argument('--out')
    args, rest = parser.parse_known_args()
    tmp = tempfile.mkdtemp(prefix='benchmark_trajectory_')
    from mmengine.config import Config
    run_configs, names = [], {}
    for i, config in enumerate(args.configs):
        if Config.fromfile(config).model.type != 'TrajectoryDistill':
            run_configs.append(config)
            continue
        folder = osp.join(tmp, f'trajectory{i}')
        write_matching_trajectory(config, folder,
                                  config in args.teacher_trajectory)
        leaf = osp.join(tmp, f'config{i}_{osp.basename(config)}')
        with open(leaf, 'w') as f:
            f.write(f'_base_ = [{osp.abspath(config)!r}]\n'
                    f'model = dict(trajectory={folder!r})\n')
        run_configs.append(leaf)
        names[leaf] = config
    out = osp.join(tmp, 'bench.json')
    cmd = [
        sys.executable,
        osp.join(ROOT, 'tools', 'analysis_tools', 'benchmark_train.py'),
        *run_configs, '--out', out, *rest
    ]
    subprocess.run(cmd, cwd=ROOT, check=True)
    if args.out:
        with open(out) as f:
            text = f.read()
        for leaf, config in names.items():
            text = text.replace(leaf, config)
        data = json.loads(text)
        data['trajectories'] = ('written by benchmark_trajectory.py: random '
                                'replayed networks fitting the random '
                                'teacher of the benchmark')
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(data, f, indent=1)


if __name__ == '__main__':
    main()

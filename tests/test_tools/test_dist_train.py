# Copyright (c) mmslkd contributors. All rights reserved.
"""tools/dist_train.sh on CPU: 2 processes, and 2 simulated nodes."""
import os
import os.path as osp
import socket
import subprocess

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HELPERS = osp.join(osp.dirname(osp.abspath(__file__)), 'helpers')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def write_config(tiny_cfg, cifar100_root, work_dir, path):
    cfg = tiny_cfg('configs/kd/kd_r56_r8_cifar100.py', cifar100_root, work_dir)
    cfg.model.teacher_ckpt = 'random'
    cfg.train_dataloader.batch_size = 16  # total: 8 a rank, 6 iterations
    cfg.custom_imports = dict(imports=['rank_weights_hook'])
    cfg.custom_hooks = [dict(type='RankWeightsHook')]
    cfg.dump(path)


def env(**extra):
    variables = dict(os.environ)
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR',
                'MASTER_PORT'):
        variables.pop(key, None)
    variables['PYTHONPATH'] = os.pathsep.join(
        [HELPERS, REPO, variables.get('PYTHONPATH', '')])
    variables['OMP_NUM_THREADS'] = '1'
    variables.update({k: str(v) for k, v in extra.items()})
    return variables


def dist_train(config, work_dir, processes=2):
    """Run tools/dist_train.sh with ``processes`` CPU workers."""
    subprocess.run([
        'bash',
        osp.join(REPO, 'tools', 'dist_train.sh'), config,
        str(processes), '--work-dir', work_dir
    ],
                   check=True,
                   cwd=REPO,
                   env=env(PORT=free_port()),
                   timeout=600)


def assert_identical_students(work_dir, ranks):
    states = [
        torch.load(osp.join(work_dir, f'rank{r}_student.pth')) for r in ranks
    ]
    assert states[0], 'no student weights were saved'
    params = [
        k for k in states[0] if 'running_' not in k and 'num_batches' not in k
    ]
    for other in states[1:]:
        for key in params:
            assert torch.equal(states[0][key], other[key]), key
    return states


def test_two_process_cpu_training(tmp_path, tiny_cfg, cifar100_root):
    work_dir = str(tmp_path / 'work')
    config = str(tmp_path / 'kd.py')
    write_config(tiny_cfg, cifar100_root, work_dir, config)
    dist_train(config, work_dir)
    assert_identical_students(work_dir, (0, 1))
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))


def test_two_nodes_on_localhost(tmp_path, tiny_cfg, cifar100_root):
    work_dir = str(tmp_path / 'work')
    config = str(tmp_path / 'kd.py')
    write_config(tiny_cfg, cifar100_root, work_dir, config)
    port = free_port()
    nodes = [
        subprocess.Popen([
            'bash',
            osp.join(REPO, 'tools', 'dist_train.sh'), config, '1',
            '--work-dir', work_dir
        ],
                         cwd=REPO,
                         env=env(
                             NNODES=2,
                             NODE_RANK=rank,
                             MASTER_ADDR='127.0.0.1',
                             PORT=port)) for rank in (0, 1)
    ]
    try:
        codes = [node.wait(timeout=600) for node in nodes]
    finally:
        for node in nodes:
            node.kill()
    assert codes == [0, 0]
    assert_identical_students(work_dir, (0, 1))


def test_two_process_amtml_with_separate_optimizers(tmp_path, tiny_cfg,
                                                    cifar100_root):
    """OptimWrapperDict + MMSeparateDistributedDataParallel, through both
    AMTML phases."""
    work_dir = str(tmp_path / 'work')
    cfg = tiny_cfg('configs/amtml/amtml_r56+r110_r20_cifar100.py',
                   cifar100_root, work_dir)
    cfg.model.architecture.backbone.arch = 'resnet8'
    for teacher in cfg.model.teachers.values():
        teacher.ckpt = 'random'
        teacher.model.backbone.arch = 'resnet14'
    cfg.train_dataloader.batch_size = 16  # total: 8 a rank
    cfg.train_cfg.max_epochs = 2
    cfg.default_hooks.freeze_adapter.epoch = 1
    step = dict(type='MultiStepLR', by_epoch=True, milestones=[1], end=2)
    cfg.param_scheduler = dict(
        architecture=step, distiller=step, teacher_weighting=step)
    cfg.custom_imports = dict(imports=['rank_weights_hook'])
    cfg.custom_hooks = [dict(type='RankWeightsHook')]
    config = str(tmp_path / 'amtml.py')
    cfg.dump(config)
    dist_train(config, work_dir)
    states = assert_identical_students(work_dir, (0, 1))
    assert any('backbone' in key for key in states[0])


def test_two_process_slkd_sequential(tmp_path, tiny_cfg, cifar100_root):
    """SLKD* with separate optimizers and separately wrapped networks."""
    work_dir = str(tmp_path / 'work')
    cfg = tiny_cfg('configs/slkd/slkd-sequential_r32x4_r8x4_cifar100.py',
                   cifar100_root, work_dir)
    cfg.model.teacher_ckpt = 'random'
    for key, arch in (('architecture', 'resnet8'), ('teacher', 'resnet14')):
        cfg.model[key].backbone.arch = arch
        cfg.model[key].head.in_channels = 64
    cfg.train_dataloader.batch_size = 16  # total: 8 a rank
    cfg.custom_imports = dict(imports=['rank_weights_hook'])
    cfg.custom_hooks = [dict(type='RankWeightsHook')]
    config = str(tmp_path / 'slkd.py')
    cfg.dump(config)
    dist_train(config, work_dir)
    assert_identical_students(work_dir, (0, 1))


def test_two_process_icc_teacher_shares_centroids(tmp_path, tiny_cfg,
                                                  cifar100_root):
    """The expressive teacher's class centroids are all-reduced: every
    process holds the same ones (each sees only its half of the batch)."""
    work_dir = str(tmp_path / 'work')
    cfg = tiny_cfg('configs/icc/resnet56-icc_cifar100.py', cifar100_root,
                   work_dir)
    cfg.model.backbone.arch = 'resnet8'
    cfg.train_dataloader.batch_size = 16  # total: 8 a rank
    cfg.custom_imports = dict(imports=['rank_weights_hook'])
    cfg.custom_hooks = [dict(type='RankWeightsHook')]
    config = str(tmp_path / 'icc.py')
    cfg.dump(config)
    dist_train(config, work_dir)
    states = [
        torch.load(osp.join(work_dir, f'rank{r}_student.pth')) for r in (0, 1)
    ]
    for key in ('head.regularizer.centroids',
                'head.regularizer.centroid_seen'):
        assert torch.equal(states[0][key], states[1][key]), key
    # both ranks' samples reached the centroids: all 96 classes
    assert states[0]['head.regularizer.centroid_seen'].sum() == 96

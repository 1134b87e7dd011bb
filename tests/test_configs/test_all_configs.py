# Copyright (c) mmslkd contributors. All rights reserved.
"""Every shipped config loads, and its model builds."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmslkd.registry import MODELS
from mmslkd.utils import check_train_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    osp.relpath(p, REPO) for p in glob.glob(
        osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p)


def test_config_set_is_complete():
    folders = {p.split(osp.sep)[1] for p in CONFIGS}
    assert folders == {
        'demo', 'embedded', 'teachers', 'students', 'kd', 'dkd', 'slkd',
        'amtml', 'icc', 'two_teacher', 'trajectory', 'cifar100-10k'
    }
    # the 7 CIFAR-100 teachers of the literature, resnet56 on CIFAR-10 and
    # ShuffleNetV2 on Tiny ImageNet
    assert len([p for p in CONFIGS if '/teachers/' in p]) == 9
    assert len([p for p in CONFIGS
                if '/teachers/' in p and p.endswith('_cifar100.py')]) == 7
    for algorithm in ('kd', 'dkd', 'slkd'):
        # the 11 teacher -> student pairs of the SLKD paper's Tables 1-2
        pairs = [
            p for p in CONFIGS
            if p.startswith(f'configs{osp.sep}{algorithm}{osp.sep}')
            and osp.basename(p).startswith(f'{algorithm}_')
            and p.endswith('_cifar100.py')
        ]
        # + KD's 2 icc/ baselines, + SLKD on the benchmark pair r56 -> r20
        expected = dict(kd=13, dkd=11, slkd=12)[algorithm]
        assert len(pairs) == expected, algorithm


def test_expressive_and_two_teacher_configs():
    icc = [p for p in CONFIGS if f'{osp.sep}icc{osp.sep}' in p]
    # 4 teachers (3 pairs' teachers + the spread variant) and, per pair,
    # KD from the expressive teacher, KD + mimic, and both, + row-cosine
    assert len([p for p in icc
                if '-icc_cifar100' in p or '-icc-spread_' in p]) == 4
    for pair in ('wrn40-2_wrn16-2', 'r56_r20', 'shv2_shv2-0.5'):
        teacher, student = pair.split('_')
        for name in (f'kd_{teacher}-icc_{student}', f'kd-icc_{pair}',
                     f'kd-icc_{teacher}-icc_{student}'):
            assert osp.join('configs', 'icc',
                            f'{name}_cifar100.py') in icc, name
    two = [p for p in CONFIGS if f'{osp.sep}two_teacher{osp.sep}' in p]
    assert {osp.basename(p)
            for p in two} >= {
                'wrn_40_2-tolerant_cifar100.py', 'wrn_40_2-ls_cifar100.py',
                'two-teacher_wrn40-2_wrn16-2_cifar100.py',
                'two-teacher-two-stage_wrn40-2_wrn16-2_cifar100.py',
                'two-teacher-fitnet_wrn40-2_wrn16-2_cifar100.py'
            }


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds(config):
    cfg = Config.fromfile(osp.join(REPO, config))
    assert cfg.default_scope == 'mmslkd'
    check_train_config(cfg)  # no false alarm on a shipped config
    for key in ('train_dataloader', 'val_dataloader', 'val_evaluator',
                'optim_wrapper', 'param_scheduler', 'train_cfg', 'val_cfg'):
        assert cfg.get(key) is not None, key
    model_cfg = cfg.model
    if 'teacher_ckpt' in model_cfg:
        assert model_cfg.teacher_ckpt, 'distillation needs a teacher'
        model_cfg.teacher_ckpt = 'random'
    for teacher in model_cfg.get('teachers', {}).values():
        assert teacher.ckpt, 'distillation needs teachers'
        teacher.ckpt = 'random'
    model_cfg.data_preprocessor = cfg.data_preprocessor
    with DefaultScope.overwrite_default_scope('mmslkd'):
        model = MODELS.build(model_cfg)
    assert sum(p.numel() for p in model.parameters()) > 0
    if 'teacher_ckpt' in cfg.model:
        assert model.student.head.num_classes == \
            model.teacher.head.num_classes
    if 'teachers' in cfg.model:
        assert len(model.teachers) == len(cfg.model.teachers)

# Copyright (c) mmslkd contributors. All rights reserved.
"""The real-data studies of issue 16 are runnable as defined: every config
loads, and every teacher checkpoint a method reads is one the study trains
and publishes (a missing one would stop the study after hours)."""
import importlib.util
import os.path as osp

import pytest
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STUDIES = ('amtml_cifar100', 'expressive_cifar100',
           'two_teacher_eta_cifar100', 'two_teacher_cifar100')


def studies():
    path = osp.join(REPO, 'tools', 'analysis_tools', 'study.py')
    spec = importlib.util.spec_from_file_location('tool_study', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STUDIES


def teacher_checkpoints(model):
    ckpts = []
    if model.get('teacher_ckpt'):
        ckpts.append(model.teacher_ckpt)
    ckpts += [t.ckpt for t in (model.get('teachers') or {}).values()]
    return ckpts


@pytest.mark.parametrize('name', STUDIES)
def test_study_methods_read_the_teachers_it_trains(name):
    study = studies()[name]
    published = set()
    for config, ckpt in study['teachers']:
        cfg = Config.fromfile(osp.join(REPO, config))
        assert cfg.model.type == 'ImageClassifier'
        published.add(ckpt)
    assert study['readme_marker'] in open(osp.join(REPO,
                                                   'README.md')).read()
    for label, config in study['methods']:
        cfg = Config.fromfile(osp.join(REPO, config))
        ckpts = teacher_checkpoints(cfg.model)
        assert ckpts and set(ckpts) <= published, (label, ckpts)
        # the study reads the final validation record
        assert cfg.train_cfg.max_epochs % cfg.train_cfg.val_interval == 0

# Copyright (c) mmslkd contributors. All rights reserved.
"""tools/test.py takes every network from the tested checkpoint: the
teacher checkpoints a distillation config names (single- or multi-teacher)
are not read again, so a run can be tested after its teacher files moved."""
import importlib.util
import json
import os.path as osp
import sys

import pytest
import torch

from mmslkd.registry import MODELS
from mmslkd.utils import drop_teacher_checkpoints

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.mark.parametrize('config', [
    'configs/amtml/amtml_r56+r110_r20_cifar100.py',
    'configs/slkd/slkd_r56_r8_cifar100.py'
])
def test_teacher_files_are_not_read(config, tmp_path, tiny_cfg,
                                    cifar100_root, monkeypatch):
    torch.set_num_threads(1)
    cfg = tiny_cfg(config, cifar100_root, str(tmp_path / 'work'))
    # the checkpoint of the whole run (teachers included) ...
    model = MODELS.build(drop_teacher_checkpoints(cfg.model))
    ckpt = str(tmp_path / 'run.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    # ... tested with a config whose teacher files are gone
    gone = str(tmp_path / 'moved_away' / 'teacher.pth')
    if 'teachers' in cfg.model:
        for spec in cfg.model.teachers.values():
            spec.ckpt = gone
    else:
        cfg.model.teacher_ckpt = gone
    config_file = str(tmp_path / 'config.py')
    cfg.dump(config_file)
    out = str(tmp_path / 'metrics.json')
    spec = importlib.util.spec_from_file_location(
        'test_tool', osp.join(REPO, 'tools', 'test.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(sys, 'argv', [
        'test.py', config_file, ckpt, '--out', out, '--work-dir',
        str(tmp_path / 'test')
    ])
    tool.main()
    assert 0 <= json.load(open(out))['accuracy/top1'] <= 100

# Copyright (c) mmslkd contributors. All rights reserved.
"""tools/slurm_*.sh print their usage and never call srun without their
arguments."""
import os
import os.path as osp
import subprocess

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.mark.parametrize('script,args', [
    ('slurm_train.sh', []),
    ('slurm_train.sh', ['partition', 'job', 'config.py']),
    ('slurm_test.sh', []),
    ('slurm_test.sh', ['partition', 'job', 'config.py']),
])
def test_usage_without_arguments(tmp_path, script, args):
    marker = tmp_path / 'srun_called'
    fake = tmp_path / 'srun'
    fake.write_text(f'#!/bin/sh\ntouch {marker}\n')
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f'{tmp_path}:{os.environ["PATH"]}')
    result = subprocess.run(['bash', osp.join(REPO, 'tools', script), *args],
                            capture_output=True,
                            text=True,
                            env=env,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith('usage:')
    assert 'PARTITION JOB_NAME CONFIG' in result.stderr
    assert not marker.exists()


def test_runs_srun_with_arguments(tmp_path):
    log = tmp_path / 'srun_args'
    fake = tmp_path / 'srun'
    fake.write_text(f'#!/bin/sh\necho "$@" > {log}\n')
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f'{tmp_path}:{os.environ["PATH"]}', GPUS='4')
    result = subprocess.run([
        'bash',
        osp.join(REPO, 'tools', 'slurm_train.sh'), 'gpu', 'slkd', 'cfg.py',
        'work', '--amp'
    ],
                            capture_output=True,
                            text=True,
                            env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    args = log.read_text()
    assert args.startswith('-p gpu --job-name=slkd --gres=gpu:8 --ntasks=4 ')
    assert 'cfg.py --work-dir=work --launcher=slurm --amp' in args

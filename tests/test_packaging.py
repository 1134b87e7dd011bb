# Copyright (c) mmslkd contributors. All rights reserved.
"""The non-editable install: ``pip wheel .`` builds a wheel that carries the
configs and tools in ``mmslkd/.mim``, and the unpacked wheel imports and
resolves ``mmslkd::`` configs with this environment's dependencies (CI
itself only installs the repository in editable mode)."""
import os
import os.path as osp
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SOURCES = ('setup.py', 'setup.cfg', 'MANIFEST.in', 'README.md',
           'model-index.yml', 'requirements.txt', 'requirements', 'mmslkd',
           'configs', 'tools', '_mmslkd_startup.py')


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """A wheel built from a copy of the sources (the checkout stays clean)."""
    src = tmp_path_factory.mktemp('src')
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc', '.mim')
    for name in SOURCES:
        path = osp.join(REPO, name)
        if osp.isdir(path):
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copyfile(path, src / name)
    out = tmp_path_factory.mktemp('wheel')
    result = subprocess.run([
        sys.executable, '-m', 'pip', 'wheel', '--no-deps',
        '--no-build-isolation', '--wheel-dir',
        str(out),
        str(src)
    ],
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (path, ) = out.glob('mmslkd-*.whl')
    return path


def test_wheel_carries_mim_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ('mmslkd/__init__.py', 'mmslkd/.mim/model-index.yml',
                 'mmslkd/.mim/tools/train.py', 'mmslkd/.mim/tools/test.py',
                 'mmslkd/.mim/tools/dist_train.sh',
                 'mmslkd/.mim/configs/slkd/slkd_r32x4_r8x4_cifar100.py',
                 'mmslkd/.mim/configs/_base_/default_runtime.py',
                 '_mmslkd_startup.py', 'mmslkd-startup.pth'):
        assert name in names, name
    assert not any(n.startswith('tests/') for n in names)
    assert not any('__pycache__' in n for n in names)
    metadata = next(n for n in names if n.endswith('.dist-info/METADATA'))
    requires = [
        line for line in zipfile.ZipFile(wheel).read(metadata).decode().split(
            '\n') if line.startswith('Requires-Dist:')
    ]
    assert any('openmim' in line for line in requires)
    assert not any('torch' in line for line in requires), requires


def test_unpacked_wheel_imports_in_clean_dir(wheel, tmp_path):
    site = tmp_path / 'site'
    zipfile.ZipFile(wheel).extractall(site)
    user_cfg = tmp_path / 'user_cfg.py'
    user_cfg.write_text(
        "_base_ = 'mmslkd::slkd/slkd_r32x4_r8x4_cifar100.py'\n"
        'train_cfg = dict(max_epochs=1)\n')
    code = ('import os, mmslkd\n'
            'from mmengine.config import Config\n'
            f'assert mmslkd.__file__.startswith({str(site)!r}), '
            'mmslkd.__file__\n'
            f'cfg = Config.fromfile({str(user_cfg)!r})\n'
            'assert cfg.model.type == "SelfLearningTeacherDistill"\n'
            'assert cfg.train_cfg.max_epochs == 1\n'
            'print("ok", mmslkd.__version__)\n')
    env = dict(os.environ, PYTHONPATH=str(site), OMP_NUM_THREADS='1')
    result = subprocess.run([sys.executable, '-c', code],
                            cwd=tmp_path,
                            env=env,
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().startswith('ok ')

# Copyright (c) mmslkd contributors. All rights reserved.
"""The start-up hook (``mmslkd-startup.pth`` -> ``_mmslkd_startup``): entry
points that never import mmslkd (MMRazor's tools, plain MMEngine configs
with ``mmslkd::`` bases, mim on an editable install) work with it."""
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_python(code, tmp_path, hook=True, **env):
    """Run ``code`` in a fresh interpreter, with the hook installed as the
    .pth file would (the checkout's copy, whatever is installed)."""
    prelude = ('import sys; sys.path.insert(0, %r)\n'
               'import _mmslkd_startup; _mmslkd_startup.install()\n' % REPO
               if hook else '')
    variables = dict(
        os.environ,
        OMP_NUM_THREADS='1',
        MMSLKD_NO_STARTUP_HOOK='0' if hook else '1',
        **env)
    return subprocess.run([sys.executable, '-c', prelude + code],
                          cwd=tmp_path,
                          env=variables,
                          capture_output=True,
                          text=True,
                          timeout=300)


def test_mmrazor_first_imports_mmslkd(tmp_path):
    code = ('import mmrazor.models, sys\n'
            'import mmrazor\n'
            'assert "mmslkd" in sys.modules\n'
            'assert mmrazor.__spec__.loader.__class__.__name__ != '
            '"_AlreadyLoaded"\n'
            'from mmslkd import compat\n'
            'print("ok", compat.APPLIED["fix_torch_ao_quantization_names"])\n')
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('ok ')


def test_mmrazor_without_the_hook_needs_the_fixes(tmp_path):
    # what MMRazor's tools/train.py meets without the hook on torch 2.13
    result = run_python('import mmrazor.models', tmp_path, hook=False)
    import mmslkd.compat as compat
    if not compat.APPLIED.get('fix_torch_ao_quantization_names'):
        pytest.skip('this torch needs no fix for mmrazor')
    assert result.returncode != 0
    assert 'torch>=1.13' in result.stderr


def test_package_config_in_plain_mmengine(tmp_path):
    (tmp_path / 'user.py').write_text(
        "_base_ = 'mmslkd::slkd/slkd_r32x4_r8x4_cifar100.py'\n"
        'train_cfg = dict(max_epochs=1)\n')
    code = ('import sys\n'
            'from mmengine.config import Config\n'
            'assert "mmslkd" not in sys.modules\n'
            'cfg = Config.fromfile("user.py")\n'
            'assert "mmslkd" in sys.modules\n'
            'print(cfg.model.type, cfg.train_cfg.max_epochs)\n')
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['SelfLearningTeacherDistill', '1']


def test_switched_off(tmp_path):
    code = ('import sys\n'
            'sys.path.insert(0, %r)\n'
            'import _mmslkd_startup\n'
            '_mmslkd_startup.install()  # MMSLKD_NO_STARTUP_HOOK=1\n'
            'print(any(isinstance(f, _mmslkd_startup._Finder) '
            'for f in sys.meta_path))\n' % REPO)
    result = run_python(code, tmp_path, hook=False)
    assert result.stdout.strip() == 'False'


@pytest.mark.skipif(shutil.which('mim') is None, reason='openmim missing')
def test_mim_finds_the_installed_package(tmp_path):
    """``mim list`` / ``search`` on this environment's mmslkd (CI: the
    README's editable install)."""
    from importlib.metadata import PackageNotFoundError, distribution
    try:
        distribution('mmslkd')
    except PackageNotFoundError:
        pytest.skip('mmslkd is not installed')
    code = ('import sys\n'
            'from mim.commands.list import list_package\n'
            'print([p[0] for p in list_package()])\n'
            'from mim.utils import get_installed_path\n'
            'import os.path as osp\n'
            'print(osp.isfile(osp.join(get_installed_path("mmslkd"), '
            '".mim", "model-index.yml")))\n')
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    listed, found = result.stdout.strip().split('\n')[-2:]
    assert "'mmslkd'" in listed
    assert found == 'True'

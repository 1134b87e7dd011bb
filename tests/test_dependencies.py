# Copyright (c) mmslkd contributors. All rights reserved.
"""``import mmslkd`` without mmcv (a plain ``pip install .`` into a fresh
environment) fails first, naming both ways to install it."""
import subprocess
import sys

HIDE_MMCV = '''
import sys
class HideMMCV:
    def find_spec(self, name, path=None, target=None):
        if name == 'mmcv' or name.startswith('mmcv.'):
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
sys.meta_path.insert(0, HideMMCV())
'''


def run_python(code):
    return subprocess.run([sys.executable, '-c', code],
                          capture_output=True,
                          text=True,
                          env={'MMSLKD_NO_STARTUP_HOOK': '1',
                               'PATH': ''})


def test_import_without_mmcv_names_both_installs():
    result = run_python(HIDE_MMCV + 'import mmslkd\n')
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('ImportError: mmslkd needs mmcv'), result.stderr
    assert 'pip install mmcv-lite==2.1.0' in last
    assert 'mim install mmcv==2.1.0' in last
    # it fails before MMRazor, whose own failure would not say what to do
    assert 'mmrazor' not in result.stderr


def test_import_with_mmcv_works():
    result = run_python('import mmslkd, mmcv; print(mmcv.__version__)')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '2.1.0'

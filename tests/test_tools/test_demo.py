# Copyright (c) mmslkd contributors. All rights reserved.
"""tools/demo.py keeps the console quiet: a tool's output goes to a log
file, the console gets one line per step (and the end of the log when the
step fails)."""
import importlib.util
import os.path as osp
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

FAKE_TOOL = r'''
import sys
print('System environment:\n    sys.platform: linux\n' * 20)
for epoch in (1, 2):
    for it in (10, 20):
        print(f'Epoch(train) [{epoch}][{it:>2}/20]  lr: 5e-2  loss: 1.0')
print('a warning', file=sys.stderr)
sys.exit(int(sys.argv[1]))
'''


@pytest.fixture(scope='module')
def demo():
    spec = importlib.util.spec_from_file_location(
        'demo_tool', osp.join(REPO, 'tools', 'demo.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_step_logs_to_file_and_prints_one_line(demo, tmp_path, capsys):
    script = tmp_path / 'tool.py'
    script.write_text(FAKE_TOOL)
    log = tmp_path / 'run' / 'console.log'
    step = demo.Step('1/4', 'train the teacher', str(log), epochs=2)
    seconds = step.run([sys.executable, str(script), '0'])
    step.done('top-1 97.90%')
    assert seconds >= 0
    out = capsys.readouterr().out
    # not a terminal (as in CI): one line, no redrawing
    assert out == '[1/4] train the teacher                  top-1 97.90%\n'
    text = log.read_text()
    assert 'System environment' in text and 'a warning' in text
    assert text.count('Epoch(train)') == 4


def test_step_failure_shows_the_log_tail(demo, tmp_path, capsys):
    script = tmp_path / 'tool.py'
    script.write_text(FAKE_TOOL)
    log = tmp_path / 'console.log'
    step = demo.Step('2/4', 'distil', str(log), epochs=2)
    with pytest.raises(SystemExit) as err:
        step.run([sys.executable, str(script), '3'])
    assert err.value.code == 3
    captured = capsys.readouterr()
    assert captured.out.startswith('[2/4] distil') and 'FAILED (exit 3)' in \
        captured.out
    assert 'a warning' in captured.err and 'Epoch(train) [2][20/20]' in \
        captured.err


def test_progress_on_a_terminal(demo, tmp_path, capsys, monkeypatch):
    script = tmp_path / 'tool.py'
    script.write_text(FAKE_TOOL)
    step = demo.Step('1/4', 'train', str(tmp_path / 'log'), epochs=2)
    step.tty = True
    step.run([sys.executable, str(script), '0'])
    step.done('top-1 1.00%')
    out = capsys.readouterr().out
    assert '\r[1/4] train' in out and ' 50% epoch 1/2' in out
    assert ' 100% epoch 2/2' in out
    assert out.count('\n') == 1  # one line, redrawn in place

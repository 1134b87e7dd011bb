# Copyright (c) mmslkd contributors. All rights reserved.
"""memory_soak.py refuses, before the long run, options that leave nothing
to compare after warm-up."""
import importlib.util
import os.path as osp
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse(monkeypatch, *argv):
    spec = importlib.util.spec_from_file_location(
        'memory_soak',
        osp.join(REPO, 'tools', 'analysis_tools', 'memory_soak.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(sys, 'argv', ['memory_soak.py', *argv])
    return tool.parse_args()


@pytest.mark.parametrize('argv, message', [
    (['--iters', '500', '--warmup', '600'
      ], '--iters 500 leaves fewer than two memory samples after --warmup 600 '
     '(samples every --interval 100 iterations): nothing to compare. Use '
     '--iters >= 700'),
    (['--iters', '650', '--warmup', '600'], 'Use --iters >= 700'),
    (['--iters', '1', '--warmup', '0', '--interval', '1'], 'Use --iters >= 2'),
    (['--interval', '0'], '--interval must be >= 1, got 0.'),
    (['--warmup', '-5'], '--warmup must be >= 0'),
])
def test_bad_options_fail_up_front(argv, message, monkeypatch, capsys):
    with pytest.raises(SystemExit):
        parse(monkeypatch, *argv)
    assert message in capsys.readouterr().err


def test_enough_samples_pass(monkeypatch):
    args = parse(monkeypatch, '--iters', '700', '--warmup', '600')
    assert (args.iters, args.warmup) == (700, 600)
    assert parse(monkeypatch, '--iters', '2', '--warmup', '0', '--interval',
                 '1').iters == 2

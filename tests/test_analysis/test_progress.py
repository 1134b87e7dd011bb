# Copyright (c) mmslkd contributors. All rights reserved.
"""The analysis tools' progress bar: items and length pass through; outside
a terminal one line is printed when the pass ends."""
from mmslkd.analysis.progress import track


def test_track_passes_items_and_len_through(capsys):
    items = [1, 2, 3]
    tracked = track(items, 'logits')
    assert len(tracked) == 3
    assert list(tracked) == items
    assert capsys.readouterr().err == 'logits: 3 batches done\n'


def test_track_on_a_terminal(monkeypatch):
    import io

    import rich.console
    stream = io.StringIO()
    monkeypatch.setattr(rich.console.Console, 'is_terminal', True)
    monkeypatch.setattr('sys.stderr', stream)
    assert list(track(iter(range(4)), 'features', total=4)) == [0, 1, 2, 3]
    assert 'features' in stream.getvalue() and '4/4' in stream.getvalue()

# Copyright (c) mmslkd contributors. All rights reserved.
"""A progress bar for the analysis tools' passes over a dataset."""
import sys
from typing import Iterable, Iterator, Optional

__all__ = ['track']


class track:
    """Iterate over ``iterable`` with a progress bar on stderr.

    On a terminal the bar is redrawn in place (rich, which MMEngine
    installs); elsewhere (CI logs, pipes) one line is printed when the pass
    ends. ``len()`` is passed through, so code that sizes a dataloader
    still works.

    Args:
        iterable (Iterable): E.g. a dataloader.
        description (str): What the pass does.
        total (int, optional): Number of items; ``len(iterable)`` if it has
            one.
    """

    def __init__(self,
                 iterable: Iterable,
                 description: str,
                 total: Optional[int] = None):
        self.iterable = iterable
        self.description = description
        self.total = total if total is not None else (
            len(iterable) if hasattr(iterable, '__len__') else None)

    def __len__(self) -> int:
        return len(self.iterable)

    def __iter__(self) -> Iterator:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress,
                                   TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        console = Console(file=sys.stderr)
        if not console.is_terminal:
            count = 0
            for item in self.iterable:
                count += 1
                yield item
            print(f'{self.description}: {count} batches done',
                  file=sys.stderr, flush=True)
            return
        columns = (TextColumn('{task.description}'), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(self.description, total=self.total)
            for item in self.iterable:
                yield item
                progress.advance(task)

"""Draw the report's charts side by side in worker processes (matplotlib holds the GIL).

Each chart is a pure function of its data writing files into the report folder, so the charts
can be drawn in any order and while the report does its other work: ``start`` hands them to up
to ``processes`` processes started by a forkserver that has matplotlib imported once (no fork of
a process holding database connections); ``Drawing.paths`` waits and returns their paths in the
order asked. With ``processes`` 1 they are drawn in this process, one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

ChartJob = tuple[Callable[..., list[Path]], tuple[Any, ...]]

PRELOAD = ["matplotlib", "matplotlib.pyplot", "billing.reports.charts"]


def default_processes() -> int:
    """One process per core this process may use (at least 1)."""
    return max(1, len(os.sched_getaffinity(0)))


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_up(processes: int | None = None) -> None:
    """Start the forkserver now (it imports matplotlib, about a second) so that it is ready
    when the charts are asked for; nothing when the charts will be drawn in this process."""
    if (default_processes() if processes is None else processes) > 1:
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


class Drawing:
    """Charts being drawn; ``paths()`` waits for them (raising a chart's own error)."""

    def __init__(self, jobs: Sequence[ChartJob], processes: int) -> None:
        self._jobs = list(jobs)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[list[Path]]] = []
        if processes > 1:
            self._pool = ProcessPoolExecutor(max_workers=processes, mp_context=_context())
            self._futures = [self._pool.submit(function, *args) for function, args in jobs]

    def paths(self) -> list[Path]:
        """Every path the charts wrote, in job order."""
        if self._pool is None:
            return [path for function, args in self._jobs for path in function(*args)]
        try:
            return [path for future in self._futures for path in future.result()]
        finally:
            self._pool.shutdown(cancel_futures=True)


def start(jobs: Sequence[ChartJob], processes: int | None = None) -> Drawing:
    """Begin drawing ``jobs`` (``(chart_function, args)``); ``processes`` None for one per
    core, 1 to draw in this process when ``paths()`` is asked."""
    wanted = min(len(jobs), default_processes() if processes is None else processes)
    return Drawing(jobs, wanted)

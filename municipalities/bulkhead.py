"""Bulkheads: how many calls to one municipality's server a process makes at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Bulkhead:
    """Per municipality, at most ``limit`` calls in flight in this process, and at most
    ``in_all`` for every municipality together (None: no such bound); one more is refused at
    once (never queued), so slow servers hold a bounded number of threads."""

    def __init__(self, in_all: int | None = None) -> None:
        self._slots: dict[str, tuple[int, threading.BoundedSemaphore]] = {}
        self._lock = threading.Lock()
        self._all = threading.BoundedSemaphore(max(1, in_all)) if in_all else None

    def _semaphore(self, code: str, limit: int) -> threading.BoundedSemaphore:
        with self._lock:
            known = self._slots.get(code)
            if known is None or known[0] != limit:  # a changed limit counts from now on
                known = self._slots[code] = (limit, threading.BoundedSemaphore(max(1, limit)))
            return known[1]

    @contextmanager
    def slot(self, code: str, limit: int) -> Iterator[bool]:
        """Yields True while holding one of ``code``'s slots, False when all are taken."""
        semaphore = self._semaphore(code, limit)
        if not semaphore.acquire(blocking=False):
            yield False
            return
        try:
            if self._all is None:
                yield True
            elif not self._all.acquire(blocking=False):
                yield False
            else:
                try:
                    yield True
                finally:
                    self._all.release()
        finally:
            semaphore.release()

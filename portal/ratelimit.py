"""Login attempts per client address: a sliding one-minute window, in this process only.

Fail mode: the counts live in the worker's memory, so each gunicorn worker counts on its own
(the effective limit is workers × the setting) and a restart forgets them. The per-account
lockout (five failures, in the database) is the limit that holds across processes.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
MAX_TRACKED = 10_000  # addresses remembered at once; the oldest are forgotten first


class LoginThrottle:
    def __init__(self, per_minute: int, now: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self._now = now
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count one attempt from ``address``; False when it is over the limit this minute."""
        now = self._now()
        with self._lock:
            attempts = self._seen.pop(address, None) or deque()
            while attempts and attempts[0] <= now - WINDOW_SECONDS:
                attempts.popleft()
            allowed = len(attempts) < self.per_minute
            if allowed:
                attempts.append(now)
            self._seen[address] = attempts  # re-inserted: dict order is least recently used
            while len(self._seen) > MAX_TRACKED:
                self._seen.pop(next(iter(self._seen)))
            return allowed

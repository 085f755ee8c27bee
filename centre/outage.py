"""Log a dependency's outage once: its first failure and its recovery, counting in between."""

from __future__ import annotations

import logging
import threading
import time


class OutageLog:
    """One line when ``what`` starts failing, one when it works again; nothing per failure.

    A database or Redis outage fails every request that touches it: a traceback each would
    bury the one line an operator needs (10 s of outage once wrote 38 MB of log).
    """

    def __init__(self, what: str, logger: logging.Logger) -> None:
        self.what = what
        self._log = logger
        self._lock = threading.Lock()
        self._since: float | None = None
        self.failures = 0  # failures in the current outage

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            if self._since is not None:
                return
            self._since = time.monotonic()
        first_line = (str(error).strip().splitlines() or [""])[0]
        self._log.error("%s unavailable: %s: %s", self.what, type(error).__name__, first_line)

    def succeeded(self) -> None:
        if self._since is None:  # the common case: no lock taken
            return
        with self._lock:
            if self._since is None:
                return
            lasted, failures = time.monotonic() - self._since, self.failures
            self._since, self.failures = None, 0
        self._log.warning(
            "%s available again after %.1f s (%d failures meanwhile)", self.what, lasted, failures
        )

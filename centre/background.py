"""Background housekeeping: one sweeper per deployment keeps every request in a known state.

Every centre process (gunicorn worker, rq worker) starts a sweeper thread, but on PostgreSQL
only the one holding a session-level advisory lock sweeps; the others try for the lock on each
pass. The lock lives on a connection of its own, so it goes when its process dies (the server
closes the connection) and another process's sweeper takes over on its next pass. SQLite is
the embedded, single-process default: its sweeper always sweeps.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from centre.bootstrap import Platform
from centre.outage import OutageLog
from issuance.sweeper import SweepPolicy, sweep

log = logging.getLogger("kofu.sweeper")

# pg_advisory_lock's key for "the sweeper of this database" (any fixed number; "kofu" in ASCII).
SWEEPER_LOCK = 0x6B6F6675


class Sweeper:
    """Sweeps ``platform``'s requests every ``every`` seconds on a daemon thread, while it
    holds the deployment's sweeper lock."""

    def __init__(self, platform: Platform, every: float = 10.0) -> None:
        self._platform = platform
        self._every = every
        self._stop = threading.Event()
        self._lock_connection: Connection | None = None
        self._thread: threading.Thread | None = None
        self.passes = 0  # sweep passes this sweeper ran (tests, logs)
        self.skipped = 0  # passes skipped because the queue was away
        self._queue_outage = OutageLog("the render queue (sweeper waits for it)", log)
        self._database_outage = OutageLog("the database (sweeper waits for it)", log)

    @property
    def active(self) -> bool:
        """Whether this sweeper holds the lock (or needs none)."""
        return self._lock_connection is not None or not self._needs_lock()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="kofu-sweeper")
        self._thread.start()

    def stop(self) -> None:
        """End the thread and give the lock up at once (a dead process's lock goes with it)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._every + 5)
        self._release()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            if self._holds_lock():
                self.sweep_once()

    def sweep_once(self) -> None:
        """One pass, unless the queue is away: a request requeued then would be requeued
        into nothing, and would only come closer to its render timeout."""
        platform = self._platform
        if not platform.queue.reachable():
            self.skipped += 1
            self._queue_outage.failed(ConnectionError("no answer to PING"))
            return
        self._queue_outage.succeeded()
        try:
            with platform.uow() as uow:
                result = sweep(
                    uow, platform.queue, SweepPolicy(), platform.now(), platform.directory
                )
            self.passes += 1
            self._database_outage.succeeded()
            if any(vars(result).values()):
                log.info("sweep: %s", result)
        except DBAPIError as exc:  # the database away: one line per outage, not per pass
            self._database_outage.failed(exc)
        except Exception:  # noqa: BLE001 - the next pass tries again
            log.exception("sweep failed")

    def _needs_lock(self) -> bool:
        return self._platform.engine.dialect.name == "postgresql"

    def _holds_lock(self) -> bool:
        """Keep the lock (checking its connection is alive), or try to take it."""
        if not self._needs_lock():
            return True
        try:
            if self._lock_connection is not None:
                self._lock_connection.execute(text("SELECT 1"))
                self._database_outage.succeeded()
                return True
            connection = self._platform.engine.connect()
            taken = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": SWEEPER_LOCK}
            ).scalar_one()
            connection.commit()  # the lock is the session's, not the transaction's
            self._database_outage.succeeded()
            if taken:
                self._lock_connection = connection
                log.info("this process sweeps now")
                return True
            connection.close()
        except DBAPIError as exc:  # tried again next pass; logged once per outage
            self._database_outage.failed(exc)
            self._drop_lock_connection()
        return False

    def _release(self) -> None:
        connection = self._lock_connection
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SWEEPER_LOCK})
            connection.commit()
        except DBAPIError:
            pass  # closing the connection below releases it anyway
        self._drop_lock_connection()

    def _drop_lock_connection(self) -> None:
        connection, self._lock_connection = self._lock_connection, None
        if connection is not None:
            try:
                connection.invalidate()  # never back to the pool: the session may hold the lock
            finally:
                connection.close()

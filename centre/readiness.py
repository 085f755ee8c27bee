"""Whether a process may take traffic now: what `/readyz` reports to the load balancer.

`/healthz` says only that the process lives; readiness asks what a request needs: the database
answering with every migration of this code applied, Redis answering when the settings name one,
and (for the kiosk API, which signs every document) the current signing key readable. A load
balancer asks every 2 s from each of its processes, so one answer is kept for ``ttl`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from centre.bootstrap import Platform
from centre.database import alembic_config

# Stable codes of the checks that failed: what `/readyz` names, never a DSN or a secret.
DATABASE_UNREACHABLE = "DATABASE_UNREACHABLE"
MIGRATIONS_NOT_AT_HEAD = "MIGRATIONS_NOT_AT_HEAD"
REDIS_UNREACHABLE = "REDIS_UNREACHABLE"
SIGNING_KEYS_UNREADABLE = "SIGNING_KEYS_UNREADABLE"

DEFAULT_TTL_S = 1.0
RETRY_AFTER_S = 5


@dataclass(frozen=True)
class Readiness:
    """``failed``: the codes above of the checks that failed, in the order asked (empty: ready)."""

    failed: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.failed

    def body(self) -> dict[str, object]:
        """The JSON `/readyz` answers: ``{"status": "ready"|"unavailable", "failed": [codes]}``."""
        return {"status": "ready" if self.ready else "unavailable", "failed": list(self.failed)}


def migration_heads(database_url: str) -> frozenset[str]:
    """The revisions at the head of migrations/ (one, unless a merge is pending)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


class ReadinessProbe:
    """Asks the checks at most once per ``ttl`` seconds (``monotonic`` gives seconds); callers
    in between get the last answer. Thread-safe: one thread checks while the others wait.
    ``redis``: says whether Redis answers (None: no Redis configured, the embedded mode);
    ``signing_keys``: whether this process signs documents (the kiosk API)."""

    def __init__(
        self,
        platform: Platform,
        *,
        signing_keys: bool,
        redis: Callable[[], bool] | None = None,
        ttl: float = DEFAULT_TTL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.platform = platform
        self.signing_keys = signing_keys
        self._redis = redis
        self.ttl = ttl
        self._monotonic = monotonic
        self._heads = migration_heads(platform.settings.database_url)
        self._lock = threading.Lock()
        self._last: tuple[float, Readiness] | None = None

    def check(self) -> Readiness:
        with self._lock:
            now = self._monotonic()
            if self._last is not None and now - self._last[0] < self.ttl:
                return self._last[1]
            answer = Readiness(tuple(self._failures()))
            self._last = (self._monotonic(), answer)
            return answer

    def _failures(self) -> list[str]:
        failed = self._database()
        if self._redis is not None and not self._redis():
            failed.append(REDIS_UNREACHABLE)
        if self.signing_keys and not self.platform.keyring.can_sign():
            failed.append(SIGNING_KEYS_UNREADABLE)
        return failed

    def _database(self) -> list[str]:
        """One query: the applied revisions (bounded by the pool's and the connect timeouts)."""
        try:
            with self.platform.engine.connect() as connection:
                applied = frozenset(
                    connection.scalars(text("SELECT version_num FROM alembic_version")).all()
                )
        except (ProgrammingError, DBAPIError) as exc:
            if isinstance(exc, (OperationalError, InterfaceError)) and not _no_such_table(exc):
                self.platform.database_outage.failed(exc)
                return [DATABASE_UNREACHABLE]
            return [MIGRATIONS_NOT_AT_HEAD]  # answers, but was never migrated
        except PoolTimeoutError as exc:
            self.platform.database_outage.failed(exc)
            return [DATABASE_UNREACHABLE]
        return [] if applied == self._heads else [MIGRATIONS_NOT_AT_HEAD]


def redis_ping(url: str) -> Callable[[], bool]:
    """A PING bounded to half a second, on a client of its own (the portal has no queue)."""
    from redis import Redis, RedisError

    client = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def ping() -> bool:
        try:
            return bool(client.ping())
        except RedisError:
            return False

    return ping


def _no_such_table(exc: DBAPIError) -> bool:
    # SQLite reports a missing table as an OperationalError; PostgreSQL as a ProgrammingError.
    return "no such table" in str(exc.orig)

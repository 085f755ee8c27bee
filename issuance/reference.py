"""Reference data kept per process, checked against the database once per transaction.

Every kiosk call reads the same few rows: the calling kiosk, its municipality's offerings
and maintenance windows, the operator's commission. They change rarely (a fee, a window, a
revoked kiosk). When they do, database triggers (migration 0007) add one to the counter in
``issuance_reference_version``. A transaction reads that counter once, and a cache whose
entries were read under another value drops them all. So a change made anywhere (the
portal, the CLI, plain SQL, another server) is seen by the next transaction in every
process, and between changes each kiosk call costs one small query for all of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Integer, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from issuance.db import Base
from issuance.ports import UnitOfWork

# The tables whose writes bump the counter (the triggers of migrations 0007 and 0014).
REFERENCE_TABLES = frozenset(
    {
        "issuance_kiosk",
        "issuance_kiosk_operator",
        "municipalities_municipality",
        "municipalities_certificate_offering",
        "municipalities_maintenance_window",
        "municipalities_offering_change",  # and of 0014
        "municipalities_setting_change",  # and of 0015
        "municipalities_issuer_identity",  # and of 0016
        "billing_tariff",
    }
)
MAX_ENTRIES = 200_000  # ~55,000 kiosks and ~1,700 municipalities, with room to spare
_SEEN = "kofu.reference_version"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ReferenceVersion(Base):
    """One row: how many times reference data has changed."""

    __tablename__ = "issuance_reference_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


_READ_VERSION = select(ReferenceVersion.__table__.c.version).where(
    ReferenceVersion.__table__.c.id == 1
)


def reference_version(session: Session) -> int:
    """The counter as this transaction sees it (read once, until a commit or a rollback)."""
    version = session.info.get(_SEEN)
    if version is None:
        version = session.info[_SEEN] = session.execute(_READ_VERSION).scalar_one()
    return int(version)


def watch_reference_writes(session_factory: sessionmaker[Session]) -> None:
    """Forget the counter a session read when its transaction ends or it writes reference rows.

    Without this a session keeps the first value it read: fine for the kiosk calls, which
    never write reference data, but a session that changes a fee and then reads it back
    must see its own change.
    """

    def forget(session: Session, *_: Any) -> None:
        session.info.pop(_SEEN, None)

    def after_flush(session: Session, _context: Any) -> None:
        touched = (*session.new, *session.dirty, *session.deleted)
        if any(getattr(o, "__tablename__", None) in REFERENCE_TABLES for o in touched):
            forget(session)

    event.listen(session_factory, "after_commit", forget)
    event.listen(session_factory, "after_rollback", forget)
    event.listen(session_factory, "after_flush", after_flush)


class VersionedCache(Generic[K, V]):
    """Values read from reference tables, valid while the counter keeps one value.

    ``None`` (a row that does not exist) is never kept: unknown kiosk ids sent by anyone
    must not fill the cache.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: dict[K, V] = {}
        self._version: int | None = None
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, uow: UnitOfWork, key: K, load: Callable[[], V | None]) -> V | None:
        version = uow.reference_version()
        with self._lock:
            if self._version != version:
                self._entries.clear()
                self._version = version
            elif key in self._entries:
                return self._entries[key]
        value = load()
        with self._lock:
            # Read under an older counter than the cache now holds: use it, do not keep it.
            if value is not None and self._version == version and len(self._entries) < self._max:
                self._entries[key] = value
        return value

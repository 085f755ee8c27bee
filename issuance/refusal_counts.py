"""Refusals shown to residents, counted per municipality, JST day, kind and code — never who.

A refusal answered at request time (out of hours, maintenance, suspended, DV, moving out, a
backend's pre-check…) makes no request row, so the failed requests alone miss the commonest
refusals. Each one adds 1 to a counter row here; a request that fails after acceptance keeps
its ``failure_code`` and is counted from the request row instead (never both).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuance.calendar import JST
from issuance.db import Base
from issuance.ports import UnitOfWork

log = logging.getLogger(__name__)

SIGN_IN = ""  # the kind of a refusal at sign-in (DV, deceased, under 15): none chosen yet
UNKNOWN_MUNICIPALITY = ""  # refused before any municipality answers (moved abroad, 転出 only)


class RefusalCount(Base):
    """How many times residents were refused ``refusal_code`` for ``certificate_kind`` of
    ``municipality_code`` on JST ``day``. Aggregates only: no 住民票コード, no session."""

    __tablename__ = "issuance_refusal_count"
    __table_args__ = (
        UniqueConstraint(
            "day",
            "municipality_code",
            "certificate_kind",
            "refusal_code",
            name="uq_issuance_refusal_count_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date())  # JST
    municipality_code: Mapped[str] = mapped_column(String(6))
    certificate_kind: Mapped[str] = mapped_column(String(20))
    refusal_code: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer())


_failed_before = False


def count_refusal(
    uow: UnitOfWork,
    municipality_code: str | None,
    kind: str,
    code: str,
    now: datetime,
    *,
    commit: bool = True,
) -> None:
    """Add 1 to today's (JST) count of ``code`` for ``kind`` of ``municipality_code``
    (``SIGN_IN`` for a refusal before any kind was chosen); with ``commit``, commit it with
    whatever else the unit of work holds (else the caller commits with its own writes).

    Never raises: a refusal must reach the resident even when counting fails; the failure is
    logged (with its traceback the first time in a process) and the count is lost.
    """
    day = now.astimezone(JST).date()
    try:
        uow.refusal_counts.increment(day, municipality_code or UNKNOWN_MUNICIPALITY, kind, code)
        if commit:
            uow.commit()
    except Exception:
        if commit:
            uow.rollback()
        _not_counted(kind, code)


def _not_counted(kind: str, code: str) -> None:
    global _failed_before
    log.warning("a refusal was not counted (%s, %s)", kind, code, exc_info=not _failed_before)
    _failed_before = True

"""Out-of-sync alarms: a durable row each time a municipality's records and the index disagree."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime
from issuance.index.check import RecordsOutOfSyncError
from issuance.ports import UnitOfWork

log = logging.getLogger(__name__)


class OutOfSyncAlarm(Base):
    """One refusal because the issuer's records disagreed with the national index.

    The portal lists these per municipality so it learns that its records are stale. The
    person's 住民票コード stays in this centre-only table: never logged, never shown to a kiosk.
    """

    __tablename__ = "issuance_out_of_sync_alarm"
    __table_args__ = (
        Index("ix_issuance_out_of_sync_alarm_municipality_at", "municipality_code", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    municipality_code: Mapped[str] = mapped_column(String(6))
    certificate_kind: Mapped[str] = mapped_column(String(20))
    failed_check: Mapped[str] = mapped_column(String(40))  # a name from issuance/index/check.py
    stage: Mapped[str] = mapped_column(String(20))  # "submission" or "render"
    request_id: Mapped[str | None] = mapped_column(String(32))
    juminhyo_code: Mapped[str | None] = mapped_column(String(11))


def raise_alarm(
    uow: UnitOfWork,
    error: RecordsOutOfSyncError,
    certificate_kind: str,
    request_id: str | None,
    stage: str,
    now: datetime,
) -> None:
    """Add the alarm row; it is committed with the use case's own state change."""
    uow.session.add(
        OutOfSyncAlarm(
            at=now,
            municipality_code=error.municipality_code,
            certificate_kind=certificate_kind,
            failed_check=error.check,
            stage=stage,
            request_id=request_id,
            juminhyo_code=error.juminhyo_code,
        )
    )
    log.warning(
        "records out of sync with the index: municipality %s, %s, check %s, request %s",
        error.municipality_code,
        certificate_kind,
        error.check,
        request_id,
    )


def alarms_of(uow: UnitOfWork, municipality_code: str, since: datetime) -> list[OutOfSyncAlarm]:
    """The municipality's alarms since ``since`` (UTC), newest first: what the portal lists."""
    return list(
        uow.session.scalars(
            select(OutOfSyncAlarm)
            .where(
                OutOfSyncAlarm.municipality_code == municipality_code, OutOfSyncAlarm.at >= since
            )
            .order_by(OutOfSyncAlarm.at.desc(), OutOfSyncAlarm.id.desc())
        )
    )

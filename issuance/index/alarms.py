"""Out-of-sync alarms: a durable row each time a municipality's records and the index disagree."""

from __future__ import annotations

import logging
from datetime import datetime

from issuance.index.check import RecordsOutOfSyncError
from issuance.index.model import OutOfSyncAlarm
from issuance.ports import UnitOfWork

log = logging.getLogger(__name__)


def raise_alarm(
    uow: UnitOfWork,
    error: RecordsOutOfSyncError,
    certificate_kind: str,
    request_id: str | None,
    stage: str,
    now: datetime,
) -> None:
    """Add the alarm row; it is committed with the use case's own state change."""
    uow.alarms.add(
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
    return uow.alarms.of_municipality(municipality_code, since)


__all__ = ["OutOfSyncAlarm", "alarms_of", "raise_alarm"]

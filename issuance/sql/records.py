"""SQL repositories of the audit trail, out-of-sync alarms, 利用登録 and applied 異動."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuance.index.model import AppliedIdou, OutOfSyncAlarm
from issuance.model import RecordAccess, UseRegistration
from issuance.sql.people import in_chunks


class SqlAuditTrail:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, access: RecordAccess) -> None:
        self.session.add(access)


class SqlAlarms:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, alarm: OutOfSyncAlarm) -> None:
        self.session.add(alarm)

    def of_municipality(self, municipality_code: str, since: datetime) -> list[OutOfSyncAlarm]:
        return list(
            self.session.scalars(
                select(OutOfSyncAlarm)
                .where(
                    OutOfSyncAlarm.municipality_code == municipality_code,
                    OutOfSyncAlarm.at >= since,
                )
                .order_by(OutOfSyncAlarm.at.desc(), OutOfSyncAlarm.id.desc())
            )
        )


class SqlUseRegistrations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, juminhyo_code: str, municipality_code: str) -> UseRegistration | None:
        return self.session.get(UseRegistration, (juminhyo_code, municipality_code))

    def add(self, registration: UseRegistration) -> None:
        self.session.add(registration)


class SqlAppliedIdous:
    def __init__(self, session: Session) -> None:
        self.session = session

    def digests(self, idou_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in in_chunks(idou_ids):
            rows = self.session.execute(
                select(AppliedIdou.idou_id, AppliedIdou.digest).where(
                    AppliedIdou.idou_id.in_(chunk)
                )
            )
            found.update({idou_id: digest for idou_id, digest in rows})
        return found

    def add(self, applied: AppliedIdou) -> None:
        self.session.add(applied)

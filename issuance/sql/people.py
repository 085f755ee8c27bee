"""SQL repositories of the resident index, kiosks and kiosk sessions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from issuance.index.model import CardLink, Resident
from issuance.sessions.kiosks import Kiosk, KioskOperator, KioskSession, SessionState

CHUNK = 500  # codes per IN (…) query


def in_chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class SqlResidentIndex:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, juminhyo_code: str) -> Resident | None:
        return self.session.get(Resident, juminhyo_code)

    def linked_to_card(self, fingerprint: str) -> tuple[Resident, date] | None:
        row = (
            self.session.execute(
                select(Resident, CardLink.usable_from)
                .join(CardLink, CardLink.juminhyo_code == Resident.juminhyo_code)
                .where(CardLink.certificate_fingerprint == fingerprint)
            )
            .unique()
            .one_or_none()
        )
        return None if row is None else (row[0], row[1])

    def lock(self, juminhyo_codes: Iterable[str]) -> dict[str, Resident]:
        # Locked until the commit (PostgreSQL; SQLite locks the whole database on write).
        found: dict[str, Resident] = {}
        for chunk in in_chunks(juminhyo_codes):
            query = (
                select(Resident)
                .where(Resident.juminhyo_code.in_(chunk))
                .with_for_update(of=Resident)
                .execution_options(populate_existing=True)
            )
            found.update({r.juminhyo_code: r for r in self.session.scalars(query).unique()})
        return found

    def add(self, resident: Resident) -> None:
        self.session.add(resident)


# Built once: composing a select costs more CPU than running this one on a warm connection.
_SESSION_AND_HOLDER = (
    select(KioskSession, CardLink.juminhyo_code, CardLink.usable_from, Resident)
    .outerjoin(CardLink, CardLink.certificate_fingerprint == KioskSession.certificate_fingerprint)
    .outerjoin(Resident, Resident.juminhyo_code == CardLink.juminhyo_code)
    .where(KioskSession.id == bindparam("session_id"))
)


class SqlKioskSessions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, session: KioskSession) -> None:
        self.session.add(session)

    def get(self, session_id: str, *, for_update: bool = False) -> KioskSession | None:
        query = select(KioskSession).where(KioskSession.id == session_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def with_holder(
        self, session_id: str
    ) -> tuple[KioskSession, str | None, date | None, Resident | None] | None:
        result = self.session.execute(_SESSION_AND_HOLDER, {"session_id": session_id})
        row = result.unique().one_or_none()
        return None if row is None else (row[0], row[1], row[2], row[3])

    def close_all_of_kiosk(self, kiosk_id: str) -> None:
        self.session.execute(
            update(KioskSession)
            .where(KioskSession.kiosk_id == kiosk_id, KioskSession.state != SessionState.CLOSED)
            .values(state=SessionState.CLOSED)
            .execution_options(synchronize_session=False)
        )


class SqlKiosks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, kiosk_id: str) -> Kiosk | None:
        return self.session.get(Kiosk, kiosk_id)

    def add(self, kiosk: Kiosk) -> None:
        self.session.add(kiosk)

    def listed(self, operator_id: str | None = None) -> list[Kiosk]:
        query = select(Kiosk).order_by(Kiosk.id)
        if operator_id is not None:
            query = query.where(Kiosk.operator_id == operator_id)
        return list(self.session.scalars(query))

    def operators(self) -> list[KioskOperator]:
        return list(self.session.scalars(select(KioskOperator).order_by(KioskOperator.id)))

    def last_seen(self, operator_id: str | None = None) -> dict[str, datetime]:
        query = select(KioskSession.kiosk_id, func.max(KioskSession.created_at)).group_by(
            KioskSession.kiosk_id
        )
        if operator_id is not None:
            query = query.join(Kiosk, Kiosk.id == KioskSession.kiosk_id).where(
                Kiosk.operator_id == operator_id
            )
        return {kiosk_id: at for kiosk_id, at in self.session.execute(query)}

"""SQL repository of PIN-reset reservations and their audit rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuance.pin_reset.model import PinResetAudit, PinResetReservation


class SqlPinResets:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, reservation: PinResetReservation) -> None:
        self.session.add(reservation)

    def get(self, reservation_id: str, *, for_update: bool = False) -> PinResetReservation | None:
        return self.session.get(PinResetReservation, reservation_id, with_for_update=for_update)

    def latest_for(self, certificate_serial: str) -> PinResetReservation | None:
        return self.session.scalars(
            select(PinResetReservation)
            .where(PinResetReservation.certificate_serial == certificate_serial)
            .order_by(PinResetReservation.created_at.desc(), PinResetReservation.id)
            .limit(1)
        ).first()

    def add_audit(self, row: PinResetAudit) -> None:
        self.session.add(row)

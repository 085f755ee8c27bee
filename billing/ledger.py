"""The ledger adapter issuance writes to, inside the same transaction as the state change."""

from __future__ import annotations

from sqlalchemy import func, select

from billing.model import BillingEvent, EventType
from issuance.kiosks import Kiosk, KioskOperator
from issuance.ports import IssueFact, UnitOfWork


class SqlLedger:
    def _event(self, uow: UnitOfWork, fact: IssueFact, event_type: EventType) -> BillingEvent:
        kiosk = uow.session.get(Kiosk, fact.kiosk_id)
        operator = uow.session.get(KioskOperator, kiosk.operator_id) if kiosk else None
        charged = event_type is EventType.ISSUE
        return BillingEvent(
            request_id=fact.request_id,
            event_type=event_type,
            municipality_code=fact.municipality_code,
            kiosk_id=fact.kiosk_id,
            operator_id=operator.id if operator else "unknown",
            channel=operator.channel.value if operator else "unknown",
            certificate_kind=fact.certificate_kind,
            copies=fact.copies,
            fee_total=fact.fee_total if charged else 0,
            commission_total=(operator.commission_per_issue * fact.copies)
            if (charged and operator)
            else 0,
            occurred_at=fact.occurred_at,
        )

    def record_issue(self, uow: UnitOfWork, fact: IssueFact) -> None:
        uow.session.add(self._event(uow, fact, EventType.ISSUE))

    def record_void(self, uow: UnitOfWork, fact: IssueFact) -> None:
        uow.session.add(self._event(uow, fact, EventType.VOID))


def charged_total(uow: UnitOfWork, municipality_code: str | None = None) -> tuple[int, int]:
    """(number of issue events, fees charged), optionally for one municipality."""
    query = select(
        func.count(BillingEvent.id), func.coalesce(func.sum(BillingEvent.fee_total), 0)
    ).where(BillingEvent.event_type == EventType.ISSUE)
    if municipality_code:
        query = query.where(BillingEvent.municipality_code == municipality_code)
    count, total = uow.session.execute(query).one()
    return int(count), int(total)

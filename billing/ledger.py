"""The ledger adapter issuance writes to, inside the same transaction as the state change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from billing.model import (
    BillingAdjustment,
    BillingEvent,
    BillingPeriod,
    EventType,
    PeriodStatus,
    Tariff,
)
from billing.tariffs import COMMISSION, TariffBook, TariffRow
from issuance.kiosks import Kiosk, KioskOperator
from issuance.ports import IssueFact, UnitOfWork

JST = ZoneInfo("Asia/Tokyo")


def month_of(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m")


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"


def open_month_from(uow: UnitOfWork, month: str) -> str:
    """``month`` itself if still open, else the first later month that is not final.

    The period row of ``month`` is read FOR SHARE (PostgreSQL): a finalising close holds it FOR
    UPDATE, so an event is either counted before the month becomes final or sent to a later one.
    """
    uow.session.execute(
        select(BillingPeriod.month).where(BillingPeriod.month == month).with_for_update(read=True)
    )
    final = set(
        uow.session.scalars(
            select(BillingPeriod.month).where(
                BillingPeriod.month >= month, BillingPeriod.status == PeriodStatus.FINAL
            )
        )
    )
    while month in final:
        month = next_month(month)
    return month


def _commission(uow: UnitOfWork, operator: KioskOperator, at: datetime) -> int:
    rows = uow.session.scalars(
        select(Tariff).where(Tariff.tariff == COMMISSION, Tariff.subject == operator.id)
    ).all()
    book = TariffBook(
        TariffRow(r.tariff, r.subject, r.certificate_kind, r.amount, r.valid_from, r.valid_until)
        for r in rows
    )
    return book.commission(operator.id, at.astimezone(JST).date(), operator.commission_per_issue)


class SqlLedger:
    def _event(self, uow: UnitOfWork, fact: IssueFact, event_type: EventType) -> BillingEvent:
        kiosk = uow.session.get(Kiosk, fact.kiosk_id)
        operator = uow.session.get(KioskOperator, kiosk.operator_id) if kiosk else None
        charged = event_type is EventType.ISSUE
        commission = _commission(uow, operator, fact.occurred_at) if operator else 0
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
            commission_total=commission * fact.copies if charged else 0,
            occurred_at=fact.occurred_at,
            accounting_month=open_month_from(uow, month_of(fact.occurred_at)),
        )

    def record_issue(self, uow: UnitOfWork, fact: IssueFact) -> None:
        uow.session.add(self._event(uow, fact, EventType.ISSUE))

    def record_void(self, uow: UnitOfWork, fact: IssueFact) -> None:
        uow.session.add(self._event(uow, fact, EventType.VOID))


@dataclass(frozen=True)
class Correction:
    """Signed changes to one municipality/operator/kind, e.g. a refund of a misprinted copy."""

    municipality_code: str
    operator_id: str
    channel: str
    certificate_kind: str
    reason: str
    issues: int = 0
    copies: int = 0
    fee_total: int = 0
    commission_total: int = 0
    corrects_request_id: str | None = None
    concerns_month: str | None = None  # the month the error happened in, if known


def record_correction(uow: UnitOfWork, correction: Correction, now: datetime) -> str:
    """Record an adjusting entry in the first open month; returns that month. Commits."""
    month = open_month_from(uow, correction.concerns_month or month_of(now))
    uow.session.add(
        BillingAdjustment(
            accounting_month=month,
            municipality_code=correction.municipality_code,
            operator_id=correction.operator_id,
            channel=correction.channel,
            certificate_kind=correction.certificate_kind,
            issues=correction.issues,
            copies=correction.copies,
            fee_total=correction.fee_total,
            commission_total=correction.commission_total,
            corrects_request_id=correction.corrects_request_id,
            reason=correction.reason,
            created_at=now,
        )
    )
    uow.commit()
    return month


def charged_total(uow: UnitOfWork, municipality_code: str | None = None) -> tuple[int, int]:
    """(number of issue events, fees charged), optionally for one municipality."""
    query = select(
        func.count(BillingEvent.id), func.coalesce(func.sum(BillingEvent.fee_total), 0)
    ).where(BillingEvent.event_type == EventType.ISSUE)
    if municipality_code:
        query = query.where(BillingEvent.municipality_code == municipality_code)
    count, total = uow.session.execute(query).one()
    return int(count), int(total)

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
from issuance.errors import KofuError
from issuance.ports import IssueFact, UnitOfWork
from issuance.reference import VersionedCache
from issuance.sessions.kiosks import Kiosk, KioskOperator
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work

JST = ZoneInfo("Asia/Tokyo")
MONTH_LOCK = 0x6B6F6675  # advisory lock class for accounting months ("kofu")


def month_of(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m")


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"


def hold_month(uow: SqlUnitOfWork, month: str, exclusive: bool) -> None:
    """A transaction-long lock on ``month`` (PostgreSQL): shared by writers, exclusive to a close.

    The period row alone is not enough: before a month's first close it does not exist, so
    there is nothing for FOR SHARE to hold, and a finalising close could miss an event still
    being written. An advisory lock needs no row. SQLite has a single writer anyway.
    """
    if uow.session.get_bind().dialect.name != "postgresql":
        return
    lock = func.pg_advisory_xact_lock if exclusive else func.pg_advisory_xact_lock_shared
    uow.session.execute(select(lock(MONTH_LOCK, int(month.replace("-", "")))))


def open_month_from(uow: SqlUnitOfWork, month: str) -> str:
    """``month`` itself if still open, else the first later month that is not final.

    Each month looked at is held shared (``hold_month``) and its period row read FOR SHARE: a
    finalising close holds both exclusively, so an event is either counted before the month
    becomes final or sent to a later one.
    """
    while True:
        hold_month(uow, month, exclusive=False)
        status = uow.session.scalar(
            select(BillingPeriod.status)
            .where(BillingPeriod.month == month)
            .with_for_update(read=True)
        )
        if status is not PeriodStatus.FINAL:
            return month
        month = next_month(month)


@dataclass(frozen=True)
class _Seller:
    """The operator behind a kiosk, with its commission tariffs."""

    operator_id: str
    channel: str
    commission_per_issue: int
    book: TariffBook

    def commission(self, at: datetime) -> int:
        day = at.astimezone(JST).date()
        return self.book.commission(self.operator_id, day, self.commission_per_issue)


def _read_seller(uow: SqlUnitOfWork, kiosk_id: str) -> _Seller | None:
    kiosk = uow.session.get(Kiosk, kiosk_id)
    operator = uow.session.get(KioskOperator, kiosk.operator_id) if kiosk else None
    if operator is None:
        return None
    rows = uow.session.scalars(
        select(Tariff).where(Tariff.tariff == COMMISSION, Tariff.subject == operator.id)
    ).all()
    book = TariffBook(
        TariffRow(r.tariff, r.subject, r.certificate_kind, r.amount, r.valid_from, r.valid_until)
        for r in rows
    )
    return _Seller(operator.id, operator.channel.value, operator.commission_per_issue, book)


class SqlLedger:
    """Billing events. Operators and their tariffs are kept per process (reference data)."""

    def __init__(self) -> None:
        self._sellers: VersionedCache[str, _Seller] = VersionedCache()

    def _event(self, uow: SqlUnitOfWork, fact: IssueFact, event_type: EventType) -> BillingEvent:
        seller = self._sellers.get(uow, fact.kiosk_id, lambda: _read_seller(uow, fact.kiosk_id))
        charged = event_type is EventType.ISSUE
        commission = seller.commission(fact.occurred_at) if seller else 0
        return BillingEvent(
            request_id=fact.request_id,
            event_type=event_type,
            municipality_code=fact.municipality_code,
            kiosk_id=fact.kiosk_id,
            operator_id=seller.operator_id if seller else "unknown",
            channel=seller.channel if seller else "unknown",
            certificate_kind=fact.certificate_kind,
            copies=fact.copies,
            fee_total=fact.fee_total if charged else 0,
            commission_total=commission * fact.copies if charged else 0,
            occurred_at=fact.occurred_at,
            accounting_month=open_month_from(uow, month_of(fact.occurred_at)),
        )

    def record_issue(self, uow: UnitOfWork, fact: IssueFact) -> None:
        sql = sql_unit_of_work(uow)
        sql.session.add(self._event(sql, fact, EventType.ISSUE))

    def record_void(self, uow: UnitOfWork, fact: IssueFact) -> None:
        sql = sql_unit_of_work(uow)
        sql.session.add(self._event(sql, fact, EventType.VOID))


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


def record_correction(uow: SqlUnitOfWork, correction: Correction, now: datetime) -> str:
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


class CorrectionError(KofuError):
    code = "BILLING_CORRECTION_INVALID"
    message_ja = "この訂正は登録できません。"
    message_en = "This correction cannot be recorded."


class NothingToCorrectError(CorrectionError):
    code = "BILLING_CORRECTION_NO_CERTIFICATE"
    message_ja = "この交付申請には印刷された証明書がないため、訂正できません。"
    message_en = "No certificate was printed for this request: there is nothing to correct."


class ReasonMissingError(CorrectionError):
    code = "BILLING_CORRECTION_REASON_MISSING"
    message_ja = "訂正の理由を入力してください。"
    message_en = "A correction needs a reason."


class AlreadyReversedError(CorrectionError):
    code = "BILLING_CORRECTION_ALREADY_REVERSED"
    message_ja = "この証明書の交付は取り消し済みです。これ以上訂正できません。"
    message_en = "This certificate was already reversed: nothing more can be corrected."


class AmountOutOfRangeError(CorrectionError):
    code = "BILLING_CORRECTION_AMOUNT_OUT_OF_RANGE"
    message_ja = (
        "訂正額が範囲外です。訂正後の手数料は0円以上、当初の手数料以下でなければなりません。"
    )
    message_en = (
        "The amount is out of range: after it, the fee collected must be between ¥0 and the "
        "fee first charged."
    )


def correction_for(
    uow: SqlUnitOfWork, request_id: str, reason: str, amount: int | None = None
) -> Correction:
    """The adjusting entry for one printed request: a whole reversal, or ``amount`` yen of fee.

    Without ``amount`` the certificate is taken back (issues, copies, fee and commission);
    with it, only the fee collected changes by that signed amount (e.g. -190 for a refund).
    Raises NothingToCorrectError (no printed certificate), ReasonMissingError,
    AlreadyReversedError (a reversed certificate takes no further entry), and
    AmountOutOfRangeError unless the fee after every entry for the request stays within
    ¥0 … the fee first charged (``details``: ``lowest``, ``highest`` yen), or for 0.
    """
    event = uow.session.scalars(
        select(BillingEvent)
        .where(BillingEvent.request_id == request_id, BillingEvent.event_type == EventType.ISSUE)
        .with_for_update()  # two corrections of one certificate: one after the other
    ).one_or_none()
    if event is None:
        raise NothingToCorrectError(request_id=request_id)
    if not reason.strip():
        raise ReasonMissingError()
    if _reversed(uow, request_id):
        raise AlreadyReversedError(request_id=request_id)
    common = dict(
        municipality_code=event.municipality_code,
        operator_id=event.operator_id,
        channel=event.channel,
        certificate_kind=event.certificate_kind,
        reason=reason.strip()[:200],
        corrects_request_id=request_id,
        concerns_month=event.accounting_month,
    )
    if amount is not None:
        now_fee = event.fee_total + _fee_adjusted(uow, request_id)
        lowest, highest = -now_fee, event.fee_total - now_fee
        if amount == 0 or not lowest <= amount <= highest:
            raise AmountOutOfRangeError(amount=amount, lowest=lowest, highest=highest)
        return Correction(**common, fee_total=amount)  # type: ignore[arg-type]
    return Correction(
        **common,  # type: ignore[arg-type]
        issues=-1,
        copies=-event.copies,
        fee_total=-event.fee_total - _fee_adjusted(uow, request_id),  # back to ¥0 collected
        commission_total=-event.commission_total,
    )


def _fee_adjusted(uow: SqlUnitOfWork, request_id: str) -> int:
    """The signed yen of fee already adjusted for ``request_id`` (refunds are negative)."""
    adjusted = uow.session.scalar(
        select(func.coalesce(func.sum(BillingAdjustment.fee_total), 0)).where(
            BillingAdjustment.corrects_request_id == request_id
        )
    )
    return int(adjusted or 0)


def _reversed(uow: SqlUnitOfWork, request_id: str) -> bool:
    return (
        uow.session.scalar(
            select(func.count(BillingAdjustment.id)).where(
                BillingAdjustment.corrects_request_id == request_id, BillingAdjustment.issues < 0
            )
        )
        or 0
    ) > 0


def charged_total(uow: SqlUnitOfWork, municipality_code: str | None = None) -> tuple[int, int]:
    """(number of issue events, fees charged), optionally for one municipality."""
    query = select(
        func.count(BillingEvent.id), func.coalesce(func.sum(BillingEvent.fee_total), 0)
    ).where(BillingEvent.event_type == EventType.ISSUE)
    if municipality_code:
        query = query.where(BillingEvent.municipality_code == municipality_code)
    count, total = uow.session.execute(query).one()
    return int(count), int(total)

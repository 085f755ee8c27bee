"""The append-only fee ledger, its periods, rollups, statements, tariffs and counter counts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime, str_enum
from issuance.errors import KofuError


class EventType(enum.StrEnum):
    ISSUE = "issue"
    VOID = "void"


class PeriodStatus(enum.StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class PartyKind(enum.StrEnum):
    MUNICIPALITY = "municipality"
    OPERATOR = "operator"


class TaxCategory(enum.StrEnum):
    """消費税 treatment of a statement line."""

    NON_TAXABLE = "non_taxable"  # 非課税: 行政手数料 (消費税法 別表第二 第五号)
    TAXABLE_10 = "taxable_10"  # 課税 標準税率10%, the amount tax included (税込)


class LineSection(enum.StrEnum):
    """What a statement line is, in the order a statement lists them."""

    FEES = "fees"  # 交付手数料 collected from residents
    COMMISSION = "commission"  # 委託手数料 kept by the kiosk operator
    CONTRIBUTION = "contribution"  # 運営負担金, this month's share
    JPKI = "jpki"  # JPKI 失効確認 (revocation checks)
    ADJUSTMENT = "adjustment"  # an adjusting entry, with what it corrects and why


class StatementFinalError(KofuError):
    code = "STATEMENT_FINAL"
    message_ja = "確定済みの月次明細は変更できません。翌月の調整として登録してください。"
    message_en = "A final statement cannot change; record an adjusting entry instead."


class BillingEvent(Base):
    __tablename__ = "billing_event"
    # One event of each type per request, enforced by the database: never a double charge.
    __table_args__ = (UniqueConstraint("request_id", "event_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[EventType] = mapped_column(str_enum(EventType, 10))
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(20))
    certificate_kind: Mapped[str] = mapped_column(String(20))
    copies: Mapped[int]
    fee_total: Mapped[int]  # collected from the resident on the municipality's behalf
    commission_total: Mapped[int]  # owed to the kiosk operator
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    # The month (JST, YYYY-MM) whose statement counts this event: the month it occurred in, or
    # the first open month after it when that month was already final (a late event).
    accounting_month: Mapped[str | None] = mapped_column(String(7), index=True)


class BillingAdjustment(Base):
    """A correction: signed amounts counted in an open month, never an edit of an event."""

    __tablename__ = "billing_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    accounting_month: Mapped[str] = mapped_column(String(7), index=True)
    municipality_code: Mapped[str] = mapped_column(String(6))
    operator_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(20))
    certificate_kind: Mapped[str] = mapped_column(String(20))
    issues: Mapped[int] = mapped_column(default=0)
    copies: Mapped[int] = mapped_column(default=0)
    fee_total: Mapped[int] = mapped_column(default=0)
    commission_total: Mapped[int] = mapped_column(default=0)
    corrects_request_id: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BillingPeriod(Base):
    """One month's close. Its row is also the lock a finalising close and late events share."""

    __tablename__ = "billing_period"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    status: Mapped[PeriodStatus] = mapped_column(str_enum(PeriodStatus, 12))
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finalised_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BillingRollup(Base):
    """Sums of one accounting month per municipality, operator, channel and kind."""

    __tablename__ = "billing_rollup"

    accounting_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    operator_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    certificate_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    issues: Mapped[int]
    copies: Mapped[int]
    fee_total: Mapped[int]
    commission_total: Mapped[int]


class Statement(Base):
    """One party's monthly statement; once final, its figures never change."""

    __tablename__ = "billing_statement"
    __table_args__ = (UniqueConstraint("month", "party_kind", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    party_kind: Mapped[PartyKind] = mapped_column(str_enum(PartyKind, 12))
    party_id: Mapped[str] = mapped_column(String(32))
    party_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[PeriodStatus] = mapped_column(str_enum(PeriodStatus, 12))
    issues: Mapped[int]
    copies: Mapped[int]
    fees_collected: Mapped[int]
    commission: Mapped[int]
    contribution_share: Mapped[int] = mapped_column(default=0)
    jpki_cost: Mapped[int] = mapped_column(default=0)
    net: Mapped[int]
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    number: Mapped[str | None] = mapped_column(String(40), unique=True)  # 明細書番号
    issued_on: Mapped[date | None] = mapped_column(Date())  # 発行日 (JST)
    due_on: Mapped[date | None] = mapped_column(Date())  # 支払期日 (JST)

    def require_draft(self) -> None:
        if self.status is PeriodStatus.FINAL:
            raise StatementFinalError()


class StatementLine(Base):
    """One line of a statement: quantity × unit price = amount (yen, signed from the
    recipient's side: + collected for it, − deducted), with its tax treatment."""

    __tablename__ = "billing_statement_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("billing_statement.id"), index=True)
    position: Mapped[int]
    section: Mapped[LineSection] = mapped_column(str_enum(LineSection, 16))
    label: Mapped[str] = mapped_column(String(120))
    certificate_kind: Mapped[str | None] = mapped_column(String(20))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    operator_id: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int]
    unit_price: Mapped[int | None]
    amount: Mapped[int]
    tax: Mapped[TaxCategory] = mapped_column(str_enum(TaxCategory, 16))
    registration_number: Mapped[str | None] = mapped_column(String(14))  # the seller's (T…)
    reference: Mapped[str | None] = mapped_column(String(300))  # an adjustment: what and why


class Tariff(Base):
    """One dated price: ``tariff`` names what it prices, ``subject`` whom ('*' for everyone)."""

    __tablename__ = "billing_tariff"

    id: Mapped[int] = mapped_column(primary_key=True)
    tariff: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(32), default="*")
    certificate_kind: Mapped[str] = mapped_column(String(20), default="*")
    amount: Mapped[int] = mapped_column(BigInteger)  # yen; a hub's yearly cost passes 2^31
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # exclusive
    amortise_years: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(200), default="")


class CounterCount(Base):
    """Certificates issued at a municipality's counter in one month; a re-upload adds deltas."""

    __tablename__ = "billing_counter_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    month: Mapped[str] = mapped_column(String(7))
    certificate_kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int]
    source: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


@event.listens_for(Statement, "before_update")
@event.listens_for(Statement, "before_delete")
def _final_statements_never_change(_mapper: object, _connection: object, target: Statement) -> None:
    history = inspect(target).attrs.status.history
    before = history.deleted[0] if history.deleted else target.status
    if before is PeriodStatus.FINAL:
        raise StatementFinalError()

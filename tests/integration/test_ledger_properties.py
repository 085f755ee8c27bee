"""Properties of the fee ledger, for any sequence of issues, voids, corrections and closes
(Hypothesis): the statements of every month add up to the ledger, a final month never changes,
nothing is ever booked into a month once it is final, and no certificate's fee is corrected
below ¥0 or above what was charged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from billing.ledger import SqlLedger, correction_for, record_correction
from billing.model import (
    BillingAdjustment,
    BillingEvent,
    BillingPeriod,
    BillingRollup,
    EventType,
    PeriodStatus,
    Statement,
)
from billing.statements import close_month
from billing.tariffs import TariffBook
from centre.bootstrap import Platform
from issuance.codes import with_check_digit
from issuance.errors import KofuError
from issuance.ports import IssueFact
from municipalities.profiles import SqlMunicipalityProfiles

MONTHS = ("2026-01", "2026-02", "2026-03")
TOWNS = (with_check_digit("11221", "municipality"), with_check_digit("26322", "municipality"))
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # every month above has ended: each may become final


@dataclass(frozen=True)
class Issue:
    month: int
    town: int
    copies: int
    voided: bool  # the kiosk reported the print failed: metered, never charged


@dataclass(frozen=True)
class Correct:
    issue: int  # the n-th issue so far (modulo), if any
    amount: int | None  # None: reverse it


@dataclass(frozen=True)
class Close:
    month: int
    final: bool


OPERATIONS = st.lists(
    st.one_of(
        st.builds(Issue, st.integers(0, 2), st.integers(0, 1), st.integers(1, 3), st.booleans()),
        st.builds(Correct, st.integers(0, 20), st.one_of(st.none(), st.integers(-600, 600))),
        st.builds(Close, st.integers(0, 2), st.booleans()),
    ),
    max_size=25,
)
SUMMED = ("issues", "copies", "fee_total", "commission_total")


def _empty_ledger(platform: Platform) -> None:
    with platform.uow() as uow:
        for table in (Statement, BillingRollup, BillingAdjustment, BillingEvent, BillingPeriod):
            uow.session.execute(delete(table))
        uow.commit()


def _ledger_sums(uow: Any, month: str) -> tuple[int, int, int, int]:
    issue = BillingEvent.event_type == EventType.ISSUE
    events = uow.session.execute(
        select(
            func.count(BillingEvent.id).filter(issue),
            func.coalesce(func.sum(BillingEvent.copies).filter(issue), 0),
            func.coalesce(func.sum(BillingEvent.fee_total), 0),
            func.coalesce(func.sum(BillingEvent.commission_total), 0),
        ).where(BillingEvent.accounting_month == month)
    ).one()
    adjusted = uow.session.execute(
        select(*(func.coalesce(func.sum(getattr(BillingAdjustment, f)), 0) for f in SUMMED)).where(
            BillingAdjustment.accounting_month == month
        )
    ).one()
    return tuple(int(a) + int(b) for a, b in zip(events, adjusted, strict=True))  # type: ignore[return-value]


def _statement_sums(uow: Any, month: str) -> tuple[int, int, int, int]:
    rows = uow.session.scalars(
        select(Statement).where(Statement.month == month, Statement.party_kind == "operator")
    ).all()
    return (
        sum(s.issues for s in rows),
        sum(s.copies for s in rows),
        sum(s.fees_collected for s in rows),
        sum(s.commission for s in rows),
    )


def _snapshot(uow: Any, month: str) -> list[tuple[object, ...]]:
    rows = uow.session.scalars(select(Statement).where(Statement.month == month)).all()
    return sorted(
        (s.party_kind.value, s.party_id, s.issues, s.copies, s.fees_collected, s.net) for s in rows
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_statements_always_add_up_to_the_ledger_and_final_months_never_move(
    platform: Platform, operations: list[Issue | Correct | Close]
) -> None:
    _empty_ledger(platform)
    ledger, printed, final = SqlLedger(), [], {}
    for n, op in enumerate(operations):
        with platform.uow() as uow:
            if isinstance(op, Issue):
                at = datetime.fromisoformat(f"{MONTHS[op.month]}-15T03:00+00:00")
                fact = IssueFact(
                    f"p{n:07d}", TOWNS[op.town], "K0001", "juminhyo", op.copies, 200 * op.copies, at
                )
                (ledger.record_void if op.voided else ledger.record_issue)(uow, fact)
                uow.commit()
                booked = uow.session.scalar(
                    select(BillingEvent.accounting_month).where(
                        BillingEvent.request_id == fact.request_id
                    )
                )
                assert booked not in final  # never into a month already final
                assert booked >= MONTHS[op.month]  # and never before it happened
                printed.append(fact.request_id)
            elif isinstance(op, Correct) and printed:
                try:
                    correction = correction_for(
                        uow, printed[op.issue % len(printed)], "property", op.amount
                    )
                except KofuError:
                    continue  # refused: nothing written
                booked = record_correction(uow, correction, NOW)
                assert booked not in final
            elif isinstance(op, Close):
                month = MONTHS[op.month]
                try:
                    close_month(uow, month, SqlMunicipalityProfiles(), TariffBook(), NOW, op.final)
                except KofuError:
                    assert month in final  # only a final month refuses a close
                    continue
                assert _statement_sums(uow, month) == _ledger_sums(uow, month)
                if op.final:
                    final[month] = _snapshot(uow, month)
    with platform.uow() as uow:
        for month, snapshot in final.items():
            assert _snapshot(uow, month) == snapshot  # a final month never changes
            assert _statement_sums(uow, month) == _ledger_sums(uow, month)
        for month in MONTHS:
            if month not in final and uow.session.get(BillingPeriod, month) is not None:
                close_month(uow, month, SqlMunicipalityProfiles(), TariffBook(), NOW)
                assert _statement_sums(uow, month) == _ledger_sums(uow, month)
        for request_id in printed:  # what a resident paid is never refunded beyond ¥0
            charged = uow.session.scalar(
                select(func.coalesce(func.sum(BillingEvent.fee_total), 0)).where(
                    BillingEvent.request_id == request_id
                )
            )
            adjusted = uow.session.scalar(
                select(func.coalesce(func.sum(BillingAdjustment.fee_total), 0)).where(
                    BillingAdjustment.corrects_request_id == request_id
                )
            )
            assert 0 <= charged + adjusted <= charged
        statuses = dict(
            uow.session.execute(select(BillingPeriod.month, BillingPeriod.status)).all()
        )
        assert {m for m, s in statuses.items() if s is PeriodStatus.FINAL} == set(final)

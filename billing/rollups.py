"""Monthly sums of the ledger: computed live for open months, stored (rolled up) at close.

Why stored rollups stay correct: every event and every adjusting entry carries an accounting
month fixed when it is written, and it is never a final month (``ledger.open_month_from``; a
finalising close and a writer share a lock on the month's period row). So once a month is final
no row can ever join it, and its rollup, written in the same transaction that made it final, is
exact forever. Late events and corrections land in the next open month, whose sums are computed
live from the ledger (or rebuilt at every draft close) until it in turn becomes final.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, delete, func, insert, literal, select, union_all

from billing.model import (
    BillingAdjustment,
    BillingEvent,
    BillingPeriod,
    BillingRollup,
    EventType,
    PeriodStatus,
)
from issuance.unit_of_work import SqlUnitOfWork

KEYS = ("accounting_month", "municipality_code", "operator_id", "channel", "certificate_kind")
SUMS = ("issues", "copies", "fee_total", "commission_total")


@dataclass(frozen=True)
class RollupLine:
    accounting_month: str
    municipality_code: str
    operator_id: str
    channel: str
    certificate_kind: str
    issues: int
    copies: int
    fee_total: int
    commission_total: int


def live_sums(months: Sequence[str], municipality_code: str | None = None) -> Select:  # type: ignore[type-arg]
    """Issue events and adjusting entries of ``months`` (of one municipality when given),
    summed per rollup key."""
    e, a = BillingEvent, BillingAdjustment
    events = select(
        *(getattr(e, k) for k in KEYS),
        literal(1).label("issues"),
        e.copies,
        e.fee_total,
        e.commission_total,
    ).where(e.event_type == EventType.ISSUE, e.accounting_month.in_(months))
    adjustments = select(*(getattr(a, k) for k in KEYS + SUMS)).where(
        a.accounting_month.in_(months)
    )
    if municipality_code is not None:
        events = events.where(e.municipality_code == municipality_code)
        adjustments = adjustments.where(a.municipality_code == municipality_code)
    rows = union_all(events, adjustments).subquery()
    return select(
        *(rows.c[k] for k in KEYS), *(func.sum(rows.c[s]).label(s) for s in SUMS)
    ).group_by(*(rows.c[k] for k in KEYS))


def final_months(uow: SqlUnitOfWork, months: Sequence[str]) -> set[str]:
    return set(
        uow.session.scalars(
            select(BillingPeriod.month).where(
                BillingPeriod.month.in_(months), BillingPeriod.status == PeriodStatus.FINAL
            )
        )
    )


def store_rollups(uow: SqlUnitOfWork, months: Sequence[str]) -> None:
    """Replace the stored sums of ``months`` (callers never pass a final month)."""
    uow.session.execute(delete(BillingRollup).where(BillingRollup.accounting_month.in_(months)))
    uow.session.execute(insert(BillingRollup).from_select(list(KEYS + SUMS), live_sums(months)))


def month_lines(
    uow: SqlUnitOfWork, months: Sequence[str], municipality_code: str | None = None
) -> list[RollupLine]:
    """The sums of ``months`` (of one municipality when given): stored for final months,
    live for the others."""
    final = sorted(final_months(uow, months))
    lines: list[RollupLine] = []
    if final:
        stored = select(*(getattr(BillingRollup, c) for c in KEYS + SUMS)).where(
            BillingRollup.accounting_month.in_(final)
        )
        if municipality_code is not None:
            stored = stored.where(BillingRollup.municipality_code == municipality_code)
        lines += [RollupLine(*row) for row in uow.session.execute(stored)]
    still_open = [m for m in months if m not in final]
    if still_open:
        live = live_sums(still_open, municipality_code)
        lines += [RollupLine(*row) for row in uow.session.execute(live)]
    return lines

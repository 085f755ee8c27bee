"""Usage reports: kiosk share of all issuances (counter counts uploaded as CSV), per capita."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from billing.counter_counts import parse_counter_counts, record_counter_counts
from billing.model import BillingEvent, CounterCount, EventType
from billing.rollups import month_lines
from billing.tariffs import TariffBook, fiscal_months, month_start
from issuance.ports import MunicipalityProfiles
from issuance.unit_of_work import SqlUnitOfWork

NATIONAL_USAGE_RATE = 27.6  # % of all 住民票 issued at kiosks, FY2023 (DOMAIN.md §5)


def upload_counter_counts(uow: SqlUnitOfWork, text: str, source: str, now: datetime) -> int:
    """Record a file's counts (with a municipality_code column; see ``billing.counter_counts``).

    Returns how many counts were new or changed (0 when the file repeats what is known).
    Raises CounterCountError listing every problem, recording nothing. Commits.
    """
    changes = record_counter_counts(uow, parse_counter_counts(text, now), source, now)
    uow.commit()
    return len(changes)


@dataclass(frozen=True)
class Usage:
    code: str
    name: str
    population: int
    kiosk: int
    counter: int
    fee_discount: int  # counter fee minus kiosk fee for 住民票, yen

    @property
    def rate(self) -> float | None:
        """Kiosk share of all issuances, in %."""
        total = self.kiosk + self.counter
        return 100.0 * self.kiosk / total if total and self.counter else None

    @property
    def per_thousand(self) -> float:
        return 1000.0 * self.kiosk / self.population if self.population else 0.0


def usage_by_municipality(
    uow: SqlUnitOfWork, fy: int, profiles: MunicipalityProfiles, tariffs: TariffBook
) -> list[Usage]:
    months = fiscal_months(fy)
    kiosk: dict[str, int] = defaultdict(int)
    for line in month_lines(uow, months):
        kiosk[line.municipality_code] += line.copies
    counter = dict(
        uow.session.execute(
            select(CounterCount.municipality_code, func.sum(CounterCount.count))
            .where(CounterCount.month.in_(months))
            .group_by(CounterCount.municipality_code)
        ).all()
    )
    day = month_start(months[0])
    return [
        Usage(
            p.code,
            p.name,
            p.population,
            kiosk.get(p.code, 0),
            int(counter.get(p.code, 0)),
            tariffs.fee(p.code, "juminhyo", day, counter=True)
            - tariffs.fee(p.code, "juminhyo", day),
        )
        for p in profiles.all(uow)
        if p.code in kiosk or p.code in counter
    ]


def usage_by(uow: SqlUnitOfWork, months: Sequence[str], dimension: str) -> dict[str, int]:
    """Certificates issued at kiosks per ``certificate_kind``, ``operator_id`` or month."""
    key = "accounting_month" if dimension == "month" else dimension
    out: dict[str, int] = defaultdict(int)
    for line in month_lines(uow, months):
        out[getattr(line, key)] += line.copies
    return dict(sorted(out.items()))


def usage_by_hour(uow: SqlUnitOfWork, months: Sequence[str]) -> dict[int, int]:
    """Certificates per hour of the day (JST), from the ledger itself."""
    at = BillingEvent.occurred_at
    hour: ColumnElement[Any]
    if uow.session.get_bind().dialect.name == "postgresql":
        hour = func.extract("hour", func.timezone("Asia/Tokyo", at))
    else:
        hour = func.strftime("%H", at, "+9 hours")
    rows = uow.session.execute(
        select(hour, func.sum(BillingEvent.copies))
        .where(
            BillingEvent.event_type == EventType.ISSUE, BillingEvent.accounting_month.in_(months)
        )
        .group_by(hour)
    )
    return {int(h): int(n) for h, n in rows}

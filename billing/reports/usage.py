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
from billing.rollups import RollupLine, month_lines
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


JUMINHYO = "juminhyo"  # the national usage rate is a 住民票 figure: compare like with like


@dataclass(frozen=True)
class Usage:
    """One municipality's kiosk use in a fiscal year.

    ``kiosk`` counts every certificate kind over the whole year (for use per person);
    ``counter`` is its uploaded counter count of 住民票 and ``kiosk_compared`` the kiosk 住民票
    of the same months, so that ``rate`` compares like with like (the 27.6 % is a 住民票
    figure, DOMAIN.md §5). ``months_compared`` is how many months have a counter count.
    """

    code: str
    name: str
    population: int
    kiosk: int
    counter: int
    fee_discount: int  # counter fee minus kiosk fee for 住民票, yen
    kiosk_compared: int = 0
    months_compared: int = 0

    @property
    def rate(self) -> float | None:
        """Kiosk share of all 住民票 issued in the months with a counter count, in %."""
        total = self.kiosk_compared + self.counter
        return 100.0 * self.kiosk_compared / total if total and self.counter else None

    @property
    def per_thousand(self) -> float:
        return 1000.0 * self.kiosk / self.population if self.population else 0.0


def usage_by_municipality(
    uow: SqlUnitOfWork,
    fy: int,
    profiles: MunicipalityProfiles,
    tariffs: TariffBook,
    lines: Sequence[RollupLine] | None = None,
) -> list[Usage]:
    """Every municipality with kiosk issues or counter counts in fiscal year ``fy``
    (``lines``: the year's ``month_lines`` if already read)."""
    months = fiscal_months(fy)
    counter_months: dict[str, dict[str, int]] = defaultdict(dict)
    for code, month, count in uow.session.execute(
        select(CounterCount.municipality_code, CounterCount.month, func.sum(CounterCount.count))
        .where(CounterCount.month.in_(months), CounterCount.certificate_kind == JUMINHYO)
        .group_by(CounterCount.municipality_code, CounterCount.month)
    ):
        counter_months[code][month] = int(count)
    kiosk: dict[str, int] = defaultdict(int)
    compared: dict[str, int] = defaultdict(int)
    for line in month_lines(uow, months) if lines is None else lines:
        kiosk[line.municipality_code] += line.copies
        if line.certificate_kind == JUMINHYO and line.accounting_month in counter_months.get(
            line.municipality_code, {}
        ):
            compared[line.municipality_code] += line.copies
    day = month_start(months[0])
    return [
        Usage(
            p.code,
            p.name,
            p.population,
            kiosk.get(p.code, 0),
            sum(counter_months.get(p.code, {}).values()),
            tariffs.fee(p.code, "juminhyo", day, counter=True)
            - tariffs.fee(p.code, "juminhyo", day),
            compared.get(p.code, 0),
            len(counter_months.get(p.code, {})),
        )
        for p in profiles.all(uow)
        if p.code in kiosk or p.code in counter_months
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

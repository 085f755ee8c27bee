"""Usage reports: kiosk share of all issuances (counter counts uploaded as CSV), per capita."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from billing.model import BillingEvent, CounterCount, EventType
from billing.rollups import month_lines
from billing.tariffs import TariffBook, fiscal_months, month_start
from issuance.codes import validate_municipality_code
from issuance.errors import KofuError
from issuance.ports import MunicipalityProfiles
from issuance.unit_of_work import SqlUnitOfWork

NATIONAL_USAGE_RATE = 27.6  # % of all 住民票 issued at kiosks, FY2023 (DOMAIN.md §5)
COUNTER_FIELDS = ("municipality_code", "month", "certificate_kind", "count")


class CounterCountError(KofuError):
    code = "COUNTER_COUNT_INVALID"
    message_ja = "窓口交付件数のファイルが正しくありません。"
    message_en = "The counter-count file is invalid."


def _parse(text: str) -> dict[tuple[str, str, str], int]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or set(COUNTER_FIELDS) - set(reader.fieldnames):
        raise CounterCountError(message_en=f"columns must be {', '.join(COUNTER_FIELDS)}")
    counts: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        try:
            code = validate_municipality_code(row["municipality_code"].strip())
            month = row["month"].strip()
            month_start(month)
            count = int(row["count"])
        except (KofuError, ValueError) as exc:
            raise CounterCountError(message_en=f"line {line}: {exc}") from exc
        if count < 0:
            raise CounterCountError(message_en=f"line {line}: a count cannot be negative")
        counts[(code, month, row["certificate_kind"].strip())] = count
    return counts


def upload_counter_counts(uow: SqlUnitOfWork, text: str, source: str, now: datetime) -> int:
    """Record the file's counts. A changed count is appended as the difference, never edited.

    Returns how many rows were appended (0 when the file repeats what is known). Commits.
    """
    counts = _parse(text)
    known = dict.fromkeys(counts, 0)
    rows = uow.session.execute(
        select(
            CounterCount.municipality_code,
            CounterCount.month,
            CounterCount.certificate_kind,
            func.sum(CounterCount.count),
        )
        .where(CounterCount.municipality_code.in_({k[0] for k in counts}))
        .group_by(CounterCount.municipality_code, CounterCount.month, CounterCount.certificate_kind)
    )
    for code, month, kind, total in rows:
        if (code, month, kind) in known:
            known[(code, month, kind)] = int(total)
    added = 0
    for (code, month, kind), count in counts.items():
        if count != known[(code, month, kind)]:
            uow.session.add(
                CounterCount(
                    municipality_code=code,
                    month=month,
                    certificate_kind=kind,
                    count=count - known[(code, month, kind)],
                    source=source,
                    uploaded_at=now,
                )
            )
            added += 1
    uow.commit()
    return added


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

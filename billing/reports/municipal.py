"""One municipality's money at a glance: issues by month and kind, its kiosk share against
the counter counts it uploaded, and what it pays per issue under each contribution scheme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from billing.model import CounterCount
from billing.reports.cost_report import build_schemes
from billing.reports.cost_structure import MunicipalityCost, fiscal_year_costs
from billing.reports.usage import NATIONAL_USAGE_RATE
from billing.rollups import month_lines
from billing.tariffs import TariffBook, fiscal_months
from issuance.ports import MunicipalityProfiles
from issuance.unit_of_work import SqlUnitOfWork

ALTERNATIVES = ["metered", "hybrid", "capped"]


def last_months(today: date, count: int = 12) -> list[str]:
    """The ``count`` complete months (YYYY-MM) before ``today``'s, oldest first: a month
    still running would look like a drop."""
    index = today.year * 12 + today.month - 2
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


@dataclass(frozen=True)
class MonthShare:
    """A month's kiosk share: kiosk and counter certificates of the kinds counted at the
    counter that month; ``rate`` in % (None without counter counts)."""

    month: str
    kiosk: int
    counter: int

    @property
    def rate(self) -> float | None:
        total = self.kiosk + self.counter
        return 100.0 * self.kiosk / total if self.counter and total else None


@dataclass(frozen=True)
class MunicipalUsage:
    months: list[str]
    kiosk: dict[str, dict[str, int]]  # month -> kind -> certificates issued at kiosks
    counter: dict[str, dict[str, int]]  # month -> kind -> certificates at the counter
    national_rate: float = NATIONAL_USAGE_RATE  # %, FY2023 住民票 (DOMAIN.md §5)

    def kinds(self) -> list[str]:
        """Kinds issued at kiosks in these months, the most issued first."""
        totals: dict[str, int] = defaultdict(int)
        for by_kind in self.kiosk.values():
            for kind, n in by_kind.items():
                totals[kind] += n
        return sorted(totals, key=lambda k: (-totals[k], k))

    def shares(self) -> list[MonthShare]:
        """Each month's kiosk share, oldest first (rate None where nothing was uploaded)."""
        out = []
        for month in self.months:
            counted = self.counter.get(month, {})
            kiosk = sum(n for k, n in self.kiosk.get(month, {}).items() if k in counted)
            out.append(MonthShare(month, kiosk, sum(counted.values())))
        return out


def municipal_usage(uow: SqlUnitOfWork, code: str, months: Sequence[str]) -> MunicipalUsage:
    """Certificates of municipality ``code`` per month and kind, at kiosks (the ledger, by
    accounting month) and at the counter (uploaded counts)."""
    kiosk: dict[str, dict[str, int]] = {m: {} for m in months}
    for line in month_lines(uow, months, code):
        by_kind = kiosk[line.accounting_month]
        by_kind[line.certificate_kind] = by_kind.get(line.certificate_kind, 0) + line.copies
    counter: dict[str, dict[str, int]] = {m: {} for m in months}
    rows = uow.session.execute(
        select(CounterCount.month, CounterCount.certificate_kind, func.sum(CounterCount.count))
        .where(CounterCount.municipality_code == code, CounterCount.month.in_(months))
        .group_by(CounterCount.month, CounterCount.certificate_kind)
    )
    for month, kind, total in rows:
        counter[month][kind] = int(total)
    return MunicipalUsage(list(months), kiosk, counter)


@dataclass(frozen=True)
class SchemeCost:
    """What the municipality would pay under scheme ``name`` (yen a year, per issue)."""

    name: str
    contribution: int
    per_issue: float | None
    change: int  # against today's fixed scheme; + = pays more
    params: dict[str, float]


@dataclass(frozen=True)
class MunicipalCost:
    fy: int
    cost: MunicipalityCost | None  # None: not taking part that year and nothing issued
    schemes: list[SchemeCost]


def municipal_cost(
    uow: SqlUnitOfWork, code: str, fy: int, profiles: MunicipalityProfiles, tariffs: TariffBook
) -> MunicipalCost:
    """Fiscal year ``fy`` (April–March) for municipality ``code``: its costs, and its
    contribution and cost per issue under the fixed scheme and the revenue-neutral
    alternatives (``cost_structure``: metered, hybrid 50 % base, capped at ¥300 per issue)."""
    costs = fiscal_year_costs(uow, fy, profiles, tariffs)
    own = next((c for c in costs if c.code == code), None)
    if own is None:
        return MunicipalCost(fy, None, [])
    schemes = [
        SchemeCost(
            s.name,
            s.contributions[code],
            own.per_issue(s.contributions[code]),
            s.contributions[code] - own.contribution,
            s.params,
        )
        for s in build_schemes(costs, ALTERNATIVES)
    ]
    return MunicipalCost(fy, own, schemes)


def fiscal_year_of(day: date) -> int:
    """The fiscal year (年度) ``day`` falls in: April to March."""
    return day.year if day.month >= 4 else day.year - 1


__all__ = ["fiscal_months", "fiscal_year_of", "last_months", "municipal_cost", "municipal_usage"]

"""The fiscal-year cost structure per municipality, and alternative contribution schemes."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from billing.rollups import RollupLine, month_lines
from billing.tariffs import TariffBook, contribution_class, fiscal_months, month_start
from issuance.ports import MunicipalityProfiles
from issuance.unit_of_work import SqlUnitOfWork

BANDS = (
    (10_000, "<1万"),
    (50_000, "1–5万"),
    (150_000, "5–15万"),
    (500_000, "15–50万"),
    (1_000_000, "50–100万"),
    (10**12, "100万以上"),
)
CLASS_LABELS = {
    "designated_city_1m": "政令市(100万以上)",
    "designated_city": "政令市",
    "core_city": "中核市",
    "city": "市",
    "special_ward": "特別区",
    "town": "町",
    "village": "村",
}


def population_band(population: int) -> str:
    return next(label for limit, label in BANDS if population < limit)


@dataclass(frozen=True)
class MunicipalityCost:
    """One municipality's year: what the kiosk service cost it, in yen."""

    code: str
    name: str
    municipality_class: str
    population: int
    requests: int  # printed requests (kiosk sessions that issued)
    issues: int  # certificates (copies)
    fees: int
    contribution: int
    commission: int
    jpki: int
    own_costs: int

    @property
    def band(self) -> str:
        return population_band(self.population)

    @property
    def total(self) -> int:
        return self.contribution + self.commission + self.jpki + self.own_costs

    @property
    def net_cost(self) -> int:
        """What the kiosk service cost after the residents' kiosk fees came in, yen per year."""
        return self.total - self.fees

    @property
    def contribution_per_issue(self) -> float | None:
        """運営負担金 ÷ certificates issued (the seed paper's own measure), yen; None without
        issues."""
        return self.contribution / self.issues if self.issues else None

    def per_issue(self, contribution: int | None = None) -> float | None:
        """All costs per certificate (with ``contribution`` instead of today's), yen."""
        if not self.issues:
            return None
        other = self.total - self.contribution
        return (other + (self.contribution if contribution is None else contribution)) / self.issues


def fiscal_year_costs(
    uow: SqlUnitOfWork,
    fy: int,
    profiles: MunicipalityProfiles,
    tariffs: TariffBook,
    lines: Sequence[RollupLine] | None = None,
) -> list[MunicipalityCost]:
    """Every municipality that took part in (or issued during) fiscal year ``fy``.

    ``lines``: the year's ``month_lines`` when the caller has read them already (one read of
    the rollups serves the whole report)."""
    months = fiscal_months(fy)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    checks = {m: tariffs.jpki_check(month_start(m)) for m in months}  # as each statement did
    for line in month_lines(uow, months) if lines is None else lines:
        total = sums[line.municipality_code]
        total[0] += line.issues
        total[1] += line.copies
        total[2] += line.fee_total
        total[3] += line.commission_total
        total[4] += line.issues * checks.get(line.accounting_month, 0)
    out = []
    for p in profiles.all(uow):
        contribution = sum(tariffs.monthly_contribution(p, m) for m in months)
        if p.code not in sums and not contribution:
            continue
        requests, copies, fees, commission, jpki = sums.get(p.code, [0, 0, 0, 0, 0])
        out.append(
            MunicipalityCost(
                p.code,
                p.name,
                p.municipality_class,
                p.population,
                requests,
                copies,
                fees,
                contribution,
                commission,
                jpki,
                tariffs.own_costs(p.code, fy),
            )
        )
    return out


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` yen in proportion to ``weights``, exactly (largest remainder)."""
    weight_sum = sum(weights.values())
    if not weight_sum:
        return {k: 0 for k in weights}
    shares = {k: total * w / weight_sum for k, w in weights.items()}
    out = {k: int(v) for k, v in shares.items()}
    left = total - sum(out.values())
    for k in sorted(shares, key=lambda k: shares[k] - out[k], reverse=True)[:left]:
        out[k] += 1
    return out


@dataclass(frozen=True)
class Scheme:
    name: str
    label: str
    contributions: dict[str, int]
    note: str = ""
    params: dict[str, float] = field(default_factory=dict)
    # False when the scheme cannot be computed (a year without issues has no per-issue rate):
    # contributions then stay today's and the report says there is nothing to compare.
    comparable: bool = True

    @property
    def total(self) -> int:
        return sum(self.contributions.values())


def fixed_scheme(costs: list[MunicipalityCost]) -> Scheme:
    return Scheme("fixed", "定額（現行・団体区分別）", {c.code: c.contribution for c in costs})


def metered_scheme(costs: list[MunicipalityCost]) -> Scheme:
    """従量制 at the revenue-neutral rate: the hub collects exactly what it does today."""
    total = sum(c.contribution for c in costs)
    issues = sum(c.issues for c in costs)
    if not issues:
        return _not_comparable("metered", "従量制（収入中立）", costs)
    rate = total / issues
    shares = allocate(total, {c.code: float(c.issues) for c in costs})
    return Scheme("metered", "従量制（収入中立）", shares, f"¥{rate:,.1f}/通", {"rate": rate})


def _not_comparable(name: str, label: str, costs: list[MunicipalityCost]) -> Scheme:
    """A per-issue scheme in a year without issues: no rate exists, nobody's amount changes."""
    today = {c.code: c.contribution for c in costs}
    return Scheme(name, label, today, "交付0通のため比較不能", {}, comparable=False)


def hybrid_scheme(costs: list[MunicipalityCost], base_share: float = 0.5) -> Scheme:
    """A base of ``base_share`` of today's class amount, the rest per issue, revenue-neutral."""
    total = sum(c.contribution for c in costs)
    if not sum(c.issues for c in costs) and base_share < 1:
        return _not_comparable("hybrid", "併用制（基本額＋従量）", costs)
    base = {c.code: round(c.contribution * base_share) for c in costs}
    metered = allocate(total - sum(base.values()), {c.code: float(c.issues) for c in costs})
    issues = sum(c.issues for c in costs)
    rate = (total - sum(base.values())) / issues if issues else 0.0
    shares = {code: base[code] + metered[code] for code in base}
    note = f"基本額 {base_share:.0%} + ¥{rate:,.1f}/通"
    return Scheme(
        "hybrid", "併用制（基本額＋従量）", shares, note, {"base_share": base_share, "rate": rate}
    )


def capped_scheme(costs: list[MunicipalityCost], cap_per_issue: int = 300) -> Scheme:
    """Today's amount, but never more than ``cap_per_issue`` yen per certificate issued."""
    if not sum(c.issues for c in costs):
        return _not_comparable("capped", f"上限制（¥{cap_per_issue}/通）", costs)
    shares = {c.code: min(c.contribution, cap_per_issue * c.issues) for c in costs}
    shortfall = sum(c.contribution for c in costs) - sum(shares.values())
    return Scheme(
        "capped",
        f"上限制（¥{cap_per_issue}/通）",
        shares,
        f"ハブ収入の減少 ¥{shortfall:,}",
        {"cap": cap_per_issue, "shortfall": shortfall},
    )


SCHEMES: dict[str, Callable[..., Scheme]] = {
    "fixed": fixed_scheme,
    "metered": metered_scheme,
    "hybrid": hybrid_scheme,
    "capped": capped_scheme,
}


@dataclass(frozen=True)
class GroupEffect:
    group: str
    municipalities: int
    gainers: int  # pay less than today
    losers: int
    total_change: int  # yen per year, + = pays more
    median_per_issue_before: float | None
    median_per_issue_after: float | None


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def effects_by(costs: list[MunicipalityCost], scheme: Scheme, key: str) -> list[GroupEffect]:
    """Who gains and who loses under ``scheme``, grouped by ``key`` (class or band)."""
    groups: dict[str, list[MunicipalityCost]] = defaultdict(list)
    for c in costs:
        groups[getattr(c, key)].append(c)
    order = list(CLASS_LABELS) if key == "municipality_class" else [b for _, b in BANDS]
    out = []
    for group in [g for g in order if g in groups]:
        members = groups[group]
        change = [scheme.contributions[c.code] - c.contribution for c in members]
        out.append(
            GroupEffect(
                CLASS_LABELS.get(group, group),
                len(members),
                sum(1 for d in change if d < 0),
                sum(1 for d in change if d > 0),
                sum(change),
                _median(c.per_issue() for c in members),
                _median(c.per_issue(scheme.contributions[c.code]) for c in members),
            )
        )
    return out


def national_rate(costs: list[MunicipalityCost]) -> float:
    return sum(c.contribution for c in costs) / max(1, sum(c.issues for c in costs))


def contribution_class_of(cost: MunicipalityCost) -> str:
    return contribution_class(cost.municipality_class, cost.population)

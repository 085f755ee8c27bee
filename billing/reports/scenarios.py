"""Usage-growth scenarios: the revenue-neutral rate and each class's burden under each scheme.

The seed paper's figures (DOMAIN.md §5): in FY2023 kiosks issued 31.89M certificates in all, and
27.6 % of all 住民票 were issued at kiosks. A scenario scales every municipality's kiosk issues
(and with them its commission, JPKI checks and fees) by one factor, keeping today's mix:
the national FY2023 volume, then usage at 40 % and 50 % (volume × rate / 27.6 %).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from billing.reports.cost_structure import CLASS_LABELS, MunicipalityCost, Scheme

NATIONAL_VOLUME_FY2023 = 31_890_000  # certificates issued at kiosks, FY2023 (all kinds)
NATIONAL_USAGE_FY2023 = 27.6  # % of 住民票 issued at kiosks, FY2023
USAGE_STEPS = (NATIONAL_USAGE_FY2023, 40.0, 50.0)


@dataclass(frozen=True)
class ClassBurden:
    group: str  # class label (Japanese)
    scheme: str  # scheme label
    contribution: int  # yen per year, the class's total
    per_issue: float | None  # contribution ÷ the class's issues, yen


@dataclass(frozen=True)
class Scenario:
    label: str
    volume: int  # certificates a year
    rate: float | None  # the revenue-neutral metered rate, yen per certificate
    burdens: list[ClassBurden]


def scale(costs: list[MunicipalityCost], factor: float) -> list[MunicipalityCost]:
    """Every municipality's kiosk volume and its per-issue money × ``factor``."""
    return [
        replace(
            c,
            requests=round(c.requests * factor),
            issues=round(c.issues * factor),
            fees=round(c.fees * factor),
            commission=round(c.commission * factor),
            jpki=round(c.jpki * factor),
        )
        for c in costs
    ]


def scenarios(
    costs: list[MunicipalityCost], build: Callable[[list[MunicipalityCost]], list[Scheme]]
) -> list[Scenario]:
    """The ledger's year, then the national FY2023 volume at 27.6 %, 40 % and 50 % usage.

    ``build`` makes the schemes for a list of costs (the report's own parameters). Empty when the
    year has no issues: nothing can be scaled, and the report says so.
    """
    issues = sum(c.issues for c in costs)
    if not issues:
        return []
    steps = [("この年度の実績", 1.0)] + [
        (
            f"全国規模・利用率 {usage:g}%",
            NATIONAL_VOLUME_FY2023 * usage / NATIONAL_USAGE_FY2023 / issues,
        )
        for usage in USAGE_STEPS
    ]
    out = []
    for label, factor in steps:
        scaled = scale(costs, factor)
        schemes = build(scaled)
        metered = next((s for s in schemes if s.name == "metered"), None)
        rate = metered.params.get("rate") if metered else None
        out.append(Scenario(label, sum(c.issues for c in scaled), rate, _burdens(scaled, schemes)))
    return out


def _burdens(costs: list[MunicipalityCost], schemes: list[Scheme]) -> list[ClassBurden]:
    issues: dict[str, int] = defaultdict(int)
    for c in costs:
        issues[c.municipality_class] += c.issues
    out = []
    for klass in [k for k in CLASS_LABELS if k in issues]:
        members = [c for c in costs if c.municipality_class == klass]
        for s in schemes:
            total = sum(s.contributions[c.code] for c in members)
            per = total / issues[klass] if issues[klass] else None
            out.append(ClassBurden(CLASS_LABELS[klass], s.label, total, per))
    return out

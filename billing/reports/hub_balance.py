"""The hub's revenue against its costs, for the ledger's year and each usage-growth scenario.

The hub (the centre's operator, J-LIS) keeps the 運営負担金 it collects; the commission and the
JPKI checks it bills pass through to the kiosk operators and the JPKI service. Its costs are the
``hub_cost_yearly`` and ``hub_cost_per_issue`` tariffs (subject ``hub``): no figure is published,
so the report shows the balance only when they are registered, and says so otherwise.

Under growth the fixed table collects the same yen while the per-certificate cost grows; a
scheme recomputed to be revenue-neutral at each volume does the same; a metered rate kept at
today's level grows with use. The table shows all three, so the hub sees which one pays for
growth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from billing.reports.cost_structure import MunicipalityCost, Scheme
from billing.reports.csv_files import write_csv
from billing.reports.scenarios import Scenario
from billing.tariffs import TariffBook


@dataclass(frozen=True)
class HubLine:
    """One scenario under one way of charging: the hub's year in yen."""

    scenario: str
    charging: str  # a scheme's label, or "従量制（今年度の単価のまま）"
    issues: int  # certificates a year
    revenue: int  # 運営負担金 collected
    passed_through: int  # commission + JPKI checks billed and paid on (net zero for the hub)
    cost: int | None  # the hub's own costs; None when none are registered

    @property
    def balance(self) -> int | None:
        return None if self.cost is None else self.revenue - self.cost


def kept_rate_label(rate: float) -> str:
    """The charging that keeps this year's revenue-neutral metered rate as volume grows."""
    return f"従量制（今年度の単価 ¥{rate:,.0f}/通 のまま）"


def hub_lines(
    fy: int,
    costs: list[MunicipalityCost],
    schemes: list[Scheme],
    found: list[Scenario],
    tariffs: TariffBook,
) -> list[HubLine]:
    """The ledger's year (first scenario, or the year itself without scenarios) and each
    scenario, under every comparable scheme and under today's metered rate kept; yen a year.
    Empty when the year has no municipality."""
    if not costs:
        return []
    issues = sum(c.issues for c in costs)
    passed = sum(c.commission + c.jpki for c in costs)
    metered = next((s for s in schemes if s.name == "metered" and s.comparable), None)
    today_rate = metered.params.get("rate") if metered else None
    steps = [(s.label, s.volume, _totals(s)) for s in found] or [
        ("この年度の実績", issues, {s.label: s.total for s in schemes if s.comparable})
    ]
    out = []
    for label, volume, totals in steps:
        factor = volume / issues if issues else 1.0
        cost = tariffs.hub_costs(fy, volume)
        for charging, revenue in totals.items():
            out.append(HubLine(label, charging, volume, revenue, round(passed * factor), cost))
        if today_rate is not None and volume != issues:
            kept = round(today_rate * volume)
            out.append(
                HubLine(
                    label, kept_rate_label(today_rate), volume, kept, round(passed * factor), cost
                )
            )
    return out


def _totals(scenario: Scenario) -> dict[str, int]:
    totals: dict[str, int] = {}
    for burden in scenario.burdens:
        totals[burden.scheme] = totals.get(burden.scheme, 0) + burden.contribution
    return totals


def hub_summary(lines: list[HubLine]) -> list[str]:
    """One sentence for the summary: the hub's balance this year under today's table."""
    if not lines:
        return []
    today = lines[0]
    if today.balance is None:
        return [f"運営主体の収入（運営負担金）¥{today.revenue:,}。経費が未登録のため収支は不明。"]
    word = "黒字" if today.balance >= 0 else "赤字"
    return [
        f"運営主体の収支: 収入 ¥{today.revenue:,}、経費 ¥{today.cost:,}、"
        f"{word} ¥{abs(today.balance):,}（{today.scenario}、{today.charging}）。"
    ]


def write_hub_csv(out: Path, lines: list[HubLine]) -> Path:
    """``hub_balance.csv``: scenario × way of charging, yen a year (an empty cost: none
    registered)."""
    return write_csv(
        out / "hub_balance.csv",
        ["scenario", "charging", "issues", "revenue", "passed_through", "cost", "balance"],
        [
            [
                h.scenario,
                h.charging,
                h.issues,
                h.revenue,
                h.passed_through,
                "" if h.cost is None else h.cost,
                "" if h.balance is None else h.balance,
            ]
            for h in lines
        ],
    )

"""CSV files of the whole answer: break-even issues of the non-participants, usage scenarios."""

from __future__ import annotations

from pathlib import Path

from billing.reports.break_even import BreakEven
from billing.reports.cost_structure import Scheme
from billing.reports.csv_files import write_csv
from billing.reports.scenarios import Scenario


def write_answer_csvs(
    out: Path, outsiders: list[BreakEven], schemes: list[Scheme], found: list[Scenario]
) -> list[Path]:
    """``break_even.csv`` (one row per non-participating municipality; an empty cell = joining
    never pays under that scheme) and ``scenarios.csv`` (scenario × class × scheme, yen)."""
    names = [s.name for s in schemes]
    header = [
        "code",
        "name",
        "class",
        "population",
        "population_band",
        "contribution",
        "own_costs",
        "own_costs_estimated",
        "gain_per_issue",
        "expected_issues",
    ] + [f"break_even_{n}" for n in names]
    rows = [
        [
            b.code,
            b.name,
            b.municipality_class,
            b.population,
            b.band,
            b.contribution,
            b.own_costs,
            int(b.own_costs_estimated),
            b.gain_per_issue,
            b.expected,
            *["" if b.by_scheme.get(n) is None else b.by_scheme[n] for n in names],
        ]
        for b in outsiders
    ]
    paths = [write_csv(out / "break_even.csv", header, rows)]
    scenario_rows = [
        [
            s.label,
            s.volume,
            "" if s.rate is None else round(s.rate, 2),
            b.group,
            b.scheme,
            b.contribution,
            "" if b.per_issue is None else round(b.per_issue, 2),
        ]
        for s in found
        for b in s.burdens
    ]
    paths.append(
        write_csv(
            out / "scenarios.csv",
            [
                "scenario",
                "volume",
                "revenue_neutral_rate",
                "class",
                "scheme",
                "contribution",
                "contribution_per_issue",
            ],
            scenario_rows,
        )
    )
    return paths

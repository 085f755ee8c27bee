"""The cost-structure report: CSV files, charts and a PDF with a short written summary."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from billing.pdf import html_table, render_pdf
from billing.reports import charts
from billing.reports.cost_structure import (
    CLASS_LABELS,
    SCHEMES,
    MunicipalityCost,
    Scheme,
    _median,
    effects_by,
    fixed_scheme,
)
from billing.reports.usage import NATIONAL_USAGE_RATE, Usage
from issuance.errors import KofuError

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReportFiles:
    csv: list[Path]
    charts: list[Path]
    pdf: Path
    summary: list[str]


MAX_CAP = 10_000  # yen per certificate: above any kiosk fee (billing.offerings MAX_FEE)


class ReportParameterError(KofuError):
    code = "REPORT_PARAMETER_OUT_OF_RANGE"
    message_ja = "比較する負担方式の設定が範囲外です（基礎部分の割合は0〜1、上限額は0〜10,000円）。"
    message_en = (
        "A scheme parameter is out of range (the base share is 0 to 1, the cap ¥0 to ¥10,000)."
    )


def check_scheme_parameters(base_share: float, cap: int) -> None:
    """Raise ReportParameterError unless 0 ≤ ``base_share`` ≤ 1 (the hybrid's share kept as a
    fixed base) and 0 ≤ ``cap`` ≤ MAX_CAP yen (the capped scheme's charge per certificate)."""
    if not (0.0 <= base_share <= 1.0 and 0 <= cap <= MAX_CAP):
        raise ReportParameterError(base_share=base_share, cap=cap)


def build_schemes(costs: list[MunicipalityCost], names: list[str], **params: float) -> list[Scheme]:
    """The fixed scheme first (the baseline), then the requested alternatives.
    ReportParameterError for parameters ``check_scheme_parameters`` refuses."""
    check_scheme_parameters(params.get("base_share", 0.5), int(params.get("cap", 300)))
    wanted = [n for n in dict.fromkeys(["fixed", *names]) if n in SCHEMES]
    out = []
    for name in wanted:
        if name == "hybrid":
            out.append(SCHEMES[name](costs, params.get("base_share", 0.5)))
        elif name == "capped":
            out.append(SCHEMES[name](costs, int(params.get("cap", 300))))
        else:
            out.append(SCHEMES[name](costs))
    return out


def _yen(value: float | None) -> str:
    return "—" if value is None else f"¥{value:,.0f}"


def summarise(fy: int, costs: list[MunicipalityCost], schemes: list[Scheme]) -> list[str]:
    issues = sum(c.issues for c in costs)
    fixed = schemes[0]
    small = _median(c.per_issue() for c in costs if c.municipality_class in ("town", "village"))
    large = _median(
        c.per_issue() for c in costs if c.municipality_class.startswith("designated_city")
    )
    lines = [
        f"{fy}年度: 参加団体 {len(costs):,}、交付 {issues:,} 通、"
        f"運営負担金の総額 ¥{fixed.total:,}。",
        f"現行の定額負担金では 1通あたり費用の中央値は町村 {_yen(small)}、政令市 {_yen(large)}"
        + (f"（{small / large:,.1f}倍）。" if small and large else "。"),
    ]
    for scheme in schemes[1:]:
        change = [scheme.contributions[c.code] - c.contribution for c in costs]
        gainers = sum(1 for d in change if d < 0)
        by_class = effects_by(costs, scheme, "municipality_class")
        worst = max(by_class, key=lambda g: g.total_change, default=None)
        lines.append(
            f"{scheme.label}（{scheme.note}）: 総額 ¥{scheme.total:,}、負担減 {gainers:,} 団体・"
            f"負担増 {sum(1 for d in change if d > 0):,} 団体"
            + (
                f"、最も負担が増えるのは {worst.group}（計 ¥{worst.total_change:,}）。"
                if worst and worst.total_change > 0
                else "。"
            )
        )
    return lines


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """One UTF-8 CSV with its header row; every report in billing writes through this."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _municipality_rows(costs: list[MunicipalityCost], schemes: list[Scheme]) -> list[list[object]]:
    def fmt(v: float | None) -> object:
        return "" if v is None else round(v, 1)

    return [
        [
            c.code,
            c.name,
            c.municipality_class,
            c.population,
            c.band,
            c.requests,
            c.issues,
            c.fees,
            c.contribution,
            c.commission,
            c.jpki,
            c.own_costs,
            c.total,
            fmt(c.per_issue()),
        ]
        + [
            x
            for s in schemes[1:]
            for x in (s.contributions[c.code], fmt(c.per_issue(s.contributions[c.code])))
        ]
        for c in costs
    ]


MUNICIPALITY_HEADER = [
    "code",
    "name",
    "class",
    "population",
    "population_band",
    "requests",
    "issues",
    "fees",
    "contribution",
    "commission",
    "jpki",
    "own_costs",
    "total",
    "per_issue",
]
EFFECT_HEADER = [
    "scheme",
    "group",
    "municipalities",
    "gainers",
    "losers",
    "total_change",
    "median_per_issue_before",
    "median_per_issue_after",
]
# (GroupEffect key, CSV stem, PDF heading) for the two ways the effects are grouped.
GROUPINGS = (
    ("municipality_class", "effects_by_class", "団体区分別の影響"),
    ("band", "effects_by_band", "人口規模別の影響"),
)
EFFECT_COLUMNS_JA = [
    "団体数",
    "負担減",
    "負担増",
    "増減額（円/年）",
    "1通あたり（現行）",
    "1通あたり（変更後）",
]


def _effect_rows(costs: list[MunicipalityCost], scheme: Scheme, key: str) -> list[list[object]]:
    return [
        [
            g.group,
            g.municipalities,
            g.gainers,
            g.losers,
            g.total_change,
            g.median_per_issue_before,
            g.median_per_issue_after,
        ]
        for g in effects_by(costs, scheme, key)
    ]


def write_csvs(out: Path, costs: list[MunicipalityCost], schemes: list[Scheme]) -> list[Path]:
    header = MUNICIPALITY_HEADER + [
        f"{k}_{s.name}" for s in schemes[1:] for k in ("contribution", "per_issue")
    ]
    paths = [write_csv(out / "municipalities.csv", header, _municipality_rows(costs, schemes))]
    for key, stem, _title in GROUPINGS:
        rows = [[s.name, *row] for s in schemes[1:] for row in _effect_rows(costs, s, key)]
        paths.append(write_csv(out / f"{stem}.csv", EFFECT_HEADER, rows))
    return paths


def _effects_section(costs: list[MunicipalityCost], scheme: Scheme, key: str, title: str) -> str:
    """One scheme's gainers and losers, grouped by class or by population band, as HTML."""
    rows = [
        [*row[:5], _yen(row[5]), _yen(row[6])]  # type: ignore[arg-type]
        for row in _effect_rows(costs, scheme, key)
    ]
    heading = "区分" if key == "municipality_class" else "人口規模"
    return f"<h2>{escape(scheme.label)}: {title}</h2>" + html_table(
        [heading, *EFFECT_COLUMNS_JA], rows
    )


def _pdf_body(
    fy: int,
    summary: list[str],
    costs: list[MunicipalityCost],
    schemes: list[Scheme],
    chart_paths: list[Path],
) -> str:
    parts = [f"<h1>コンビニ交付の費用構造 {fy}年度</h1><h2>要約</h2>"]
    parts += [f"<p>{escape(line)}</p>" for line in summary]
    for scheme in schemes[1:]:
        parts += [_effects_section(costs, scheme, key, title) for key, _, title in GROUPINGS]
    parts += [f'<h2>図</h2><img src="{p.name}">' for p in chart_paths if p.suffix == ".png"]
    return "".join(parts)


def write_report(
    out: Path,
    fy: int,
    costs: list[MunicipalityCost],
    schemes: list[Scheme],
    usage: list[Usage],
    progress: Progress = lambda _step: None,
) -> ReportFiles:
    out.mkdir(parents=True, exist_ok=True)
    progress("CSV")
    csv_paths = write_csvs(out, costs, schemes)
    progress("charts")
    chart_paths = charts.cost_per_issue_vs_population(costs, schemes, out)
    chart_paths += charts.distribution_by_class(costs, fixed_scheme(costs), out)
    points = [(u.fee_discount, u.rate) for u in usage if u.rate is not None]
    chart_paths += charts.usage_vs_discount(points, out)  # type: ignore[arg-type]
    summary = summarise(fy, costs, schemes)
    rated = [u.rate for u in usage if u.rate is not None]
    if rated:
        summary.append(f"利用率の中央値 {_median(rated):.1f}%（全国 {NATIONAL_USAGE_RATE}%）。")
    (out / "summary.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    progress("PDF")
    pdf = out / f"cost_structure_fy{fy}.pdf"
    pdf.write_bytes(
        render_pdf(f"費用構造 {fy}", _pdf_body(fy, summary, costs, schemes, chart_paths), out)
    )
    return ReportFiles(csv_paths, chart_paths, pdf, summary)


__all__ = ["CLASS_LABELS", "ReportFiles", "build_schemes", "summarise", "write_report"]

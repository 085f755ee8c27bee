"""The cost-structure report: CSV files, charts and a PDF with a short written summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from billing.pdf import render_pdf
from billing.reports import chart_pool, charts
from billing.reports.answer_csv import write_answer_csvs
from billing.reports.break_even import BreakEven
from billing.reports.cost_pdf import ReportParts, pdf_body
from billing.reports.cost_structure import (
    CLASS_LABELS,
    SCHEMES,
    MunicipalityCost,
    Scheme,
    _median,
    effects_by,
    fixed_scheme,
)
from billing.reports.csv_files import write_csv
from billing.reports.hub_balance import hub_lines, hub_summary, write_hub_csv
from billing.reports.hub_pdf import hub_section
from billing.reports.scenarios import scenarios
from billing.reports.usage import NATIONAL_USAGE_RATE, Usage
from billing.tariffs import COMMISSION, TariffBook
from issuance.errors import KofuError

Progress = Callable[[str], None]
JST = timezone(timedelta(hours=9))


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


def winners_and_losers(costs: list[MunicipalityCost], scheme: Scheme) -> tuple[int, int]:
    """(municipalities paying less, paying more) under ``scheme`` than under today's table."""
    change = [scheme.contributions[c.code] - c.contribution for c in costs]
    return sum(1 for d in change if d < 0), sum(1 for d in change if d > 0)


def summarise(fy: int, costs: list[MunicipalityCost], schemes: list[Scheme]) -> list[str]:
    """The report's findings as Japanese sentences (also printed by the CLI)."""
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
    if not issues:
        lines.append(
            "この年度は交付がないため、負担方式の比較はできません（比較するものがありません）。"
        )
        return lines
    for scheme in schemes[1:]:
        gainers, losers = winners_and_losers(costs, scheme)
        by_class = effects_by(costs, scheme, "municipality_class")
        worst = max(by_class, key=lambda g: g.total_change, default=None)
        lines.append(
            f"{scheme.label}（{scheme.note}）: 総額 ¥{scheme.total:,}、負担減 {gainers:,} 団体・"
            f"負担増 {losers:,} 団体"
            + (
                f"、最も負担が増えるのは {worst.group}（計 ¥{worst.total_change:,}）。"
                if worst and worst.total_change > 0
                else "。"
            )
        )
    return lines


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
            fmt(c.contribution_per_issue),
            c.net_cost,
            fmt(c.net_cost / c.issues if c.issues else None),
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
    "contribution_per_issue",
    "net_cost",
    "net_cost_per_issue",
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
        rows = [
            [s.name, *row]
            for s in schemes[1:]
            if s.comparable
            for row in _effect_rows(costs, s, key)
        ]
        paths.append(write_csv(out / f"{stem}.csv", EFFECT_HEADER, rows))
    return paths


def write_report(
    out: Path,
    fy: int,
    costs: list[MunicipalityCost],
    schemes: list[Scheme],
    usage: list[Usage],
    progress: Progress = lambda _step: None,
    *,
    now: datetime | None = None,
    outsiders: list[BreakEven] | None = None,
    build: Callable[[list[MunicipalityCost]], list[Scheme]] | None = None,
    saving: int | None = None,
    tariffs: TariffBook | None = None,
    chart_processes: int | None = None,
) -> ReportFiles:
    """CSV files, charts (PNG and SVG) and the PDF of fiscal year ``fy`` in ``out``.

    ``now`` (default: the current time) decides whether the year is still in progress;
    ``outsiders`` are the non-participating municipalities' break-even figures; ``build``
    rebuilds the same schemes for the usage-growth scenarios (none without it); ``saving`` is
    the counter cost one kiosk issue saves, yen, as used for ``outsiders``; ``tariffs`` give
    the commission and JPKI check stated among the assumptions (defaults without);
    ``chart_processes`` draw the charts (None: one per core, 1: in this process).
    """
    day = date(fy, 4, 1)
    book = tariffs or TariffBook()
    out.mkdir(parents=True, exist_ok=True)
    drawing = chart_pool.start(chart_jobs(out, fy, costs, schemes, usage), chart_processes)
    progress("CSV")
    csv_paths = write_csvs(out, costs, schemes)
    found = scenarios(costs, build) if build else []
    csv_paths += write_answer_csvs(out, outsiders or [], schemes, found)
    hub = hub_lines(fy, costs, schemes, found, book)
    csv_paths.append(write_hub_csv(out, hub))
    progress("charts")
    period = year_status(fy, now or datetime.now(UTC))
    chart_paths = drawing.paths()
    summary = summarise(fy, costs, schemes) + hub_summary(hub)
    rated = [u.rate for u in usage if u.rate is not None]
    if rated:
        summary.append(
            f"利用率（住民票、窓口件数のある月で比較）の中央値 {_median(rated):.1f}%"
            f"（全国 {NATIONAL_USAGE_RATE}%）。"
        )
    if period:
        summary.insert(0, period)
    (out / "summary.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    progress("PDF")
    pdf = out / f"cost_structure_fy{fy}.pdf"
    parts = ReportParts(
        fy,
        costs,
        schemes,
        summary,
        period,
        outsiders or [],
        found,
        saving,
        book.lookup(COMMISSION, (), day),
        book.jpki_check(day),
    )
    pdf.write_bytes(
        render_pdf(f"費用構造 {fy}", pdf_body(parts, chart_paths, hub_section(8, hub, period)), out)
    )
    return ReportFiles(csv_paths, chart_paths, pdf, summary)


def chart_jobs(
    out: Path, fy: int, costs: list[MunicipalityCost], schemes: list[Scheme], usage: list[Usage]
) -> list[chart_pool.ChartJob]:
    """The report's charts, each a function and its arguments, in the order they are listed."""
    effects = [(s, effects_by(costs, s, "municipality_class")) for s in schemes[1:] if s.comparable]
    bands = [(s, effects_by(costs, s, "band")) for s in schemes[1:] if s.comparable]
    points = [(u.fee_discount, u.rate) for u in usage if u.rate is not None]
    # The slowest (a scatter per scheme) first, so it does not start last.
    return [
        (charts.cost_per_issue_vs_population, (costs, schemes, out, fy)),
        (charts.gains_and_losses, (fy, effects, "団体区分", out, "gains_losses_by_class")),
        (charts.gains_and_losses, (fy, bands, "人口規模", out, "gains_losses_by_band")),
        (charts.contribution_per_issue_by_band, (fy, costs, out)),
        (charts.distribution_by_class, (costs, fixed_scheme(costs), out, fy)),
        (charts.usage_vs_discount, (points, out, fy)),
    ]


def year_status(fy: int, now: datetime) -> str:
    """'' for a fiscal year that has ended at ``now``; else a sentence flagging it (JST)."""
    jst = now.astimezone(JST)
    if jst.date() >= date(fy + 1, 4, 1):
        return ""
    if jst.date() < date(fy, 4, 1):
        return f"注意: {fy}年度はまだ始まっていません（{jst:%Y-%m-%d}時点）。"
    months = (jst.year - fy) * 12 + jst.month - 4 + 1
    return (
        f"注意: {fy}年度は年度途中です（{jst:%Y-%m-%d}時点、{months}か月目）。交付通数は"
        "この時点までの実績、運営負担金は年額のため、1通あたりの値は年度末より高く出ます。"
    )


__all__ = [
    "CLASS_LABELS",
    "ReportFiles",
    "build_schemes",
    "summarise",
    "winners_and_losers",
    "write_report",
]

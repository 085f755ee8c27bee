"""The usage report: kiosk share of all issuances, per capita, by kind, operator, month, hour."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from billing.pdf import html_table, render_pdf
from billing.reports import charts
from billing.reports.csv_files import write_csv
from billing.reports.usage import (
    NATIONAL_USAGE_RATE,
    Usage,
    usage_by,
    usage_by_hour,
    usage_by_municipality,
)
from billing.tariffs import TariffBook, fiscal_months
from issuance.ports import MunicipalityProfiles
from issuance.unit_of_work import SqlUnitOfWork

MUNICIPALITY_HEADER = [
    "code",
    "name",
    "population",
    "kiosk",
    "counter_juminhyo",
    "kiosk_juminhyo_same_months",
    "months_compared",
    "usage_rate_juminhyo",
    "per_1000",
]


@dataclass(frozen=True)
class UsageReport:
    fy: int
    municipalities: list[Usage]
    by_kind: dict[str, int]
    by_operator: dict[str, int]
    by_month: dict[str, int]
    by_hour: dict[int, int]

    @property
    def kiosk(self) -> int:
        return sum(u.kiosk for u in self.municipalities)

    @property
    def rate(self) -> float | None:
        """Kiosk share (%) of 住民票 where counter counts were uploaded, over those months."""
        known = [u for u in self.municipalities if u.counter]
        total = sum(u.kiosk_compared + u.counter for u in known)
        return 100.0 * sum(u.kiosk_compared for u in known) / total if total else None

    @property
    def per_thousand(self) -> float:
        people = sum(u.population for u in self.municipalities)
        return 1000.0 * self.kiosk / people if people else 0.0


def usage_report(
    uow: SqlUnitOfWork, fy: int, profiles: MunicipalityProfiles, tariffs: TariffBook
) -> UsageReport:
    months = fiscal_months(fy)
    by_month = dict.fromkeys(months, 0) | usage_by(uow, months, "month")
    return UsageReport(
        fy,
        usage_by_municipality(uow, fy, profiles, tariffs),
        usage_by(uow, months, "certificate_kind"),
        usage_by(uow, months, "operator_id"),
        by_month,
        dict(sorted(usage_by_hour(uow, months).items())),
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def summarise_usage(report: UsageReport) -> list[str]:
    lines = [
        f"{report.fy}年度: コンビニ交付 {report.kiosk:,} 通、"
        f"人口千人あたり {report.per_thousand:.1f} 通（{len(report.municipalities):,} 団体）。"
    ]
    if report.rate is None:
        lines.append("窓口交付件数が登録されていないため、利用率は算出できません。")
    else:
        counted = sum(1 for u in report.municipalities if u.counter)
        gap = report.rate - NATIONAL_USAGE_RATE
        lines.append(
            f"利用率（住民票の交付全体に占めるコンビニ交付の割合、窓口件数のある {counted:,} 団体の"
            "同じ月で比較）"
            f" {report.rate:.1f}%、全国 {NATIONAL_USAGE_RATE}% より {gap:+.1f} ポイント。"
        )
    if report.by_month:
        peak = max(report.by_month, key=report.by_month.__getitem__)
        lines.append(f"最も多い月は {peak}（{report.by_month[peak]:,} 通）。")
    if report.by_hour:
        hour = max(report.by_hour, key=report.by_hour.__getitem__)
        lines.append(f"最も多い時間帯は {hour}時台。")
    return lines


def _municipality_row(u: Usage) -> list[object]:
    rate = "" if u.rate is None else round(u.rate, 1)
    return [
        u.code,
        u.name,
        u.population,
        u.kiosk,
        u.counter,
        u.kiosk_compared,
        u.months_compared,
        rate,
        round(u.per_thousand, 2),
    ]


def write_usage_csvs(out: Path, report: UsageReport) -> list[Path]:
    rows = [_municipality_row(u) for u in report.municipalities]
    paths = [write_csv(out / "usage_by_municipality.csv", MUNICIPALITY_HEADER, rows)]
    for name, counts in (
        ("certificate_kind", report.by_kind),
        ("operator", report.by_operator),
        ("month", report.by_month),
        ("hour", report.by_hour),
    ):
        data: list[list[object]] = [[key, count] for key, count in counts.items()]
        paths.append(write_csv(out / f"usage_by_{name}.csv", [name, "certificates"], data))
    return paths


def _pdf_body(report: UsageReport, summary: list[str], chart_paths: list[Path]) -> str:
    parts = [f"<h1>コンビニ交付の利用状況 {report.fy}年度</h1><h2>要約</h2>"]
    parts += [f"<p>{escape(line)}</p>" for line in summary]
    parts.append("<h2>全国との比較</h2>")
    rates = [["この集計", _percent(report.rate)], ["全国（令和5年度）", f"{NATIONAL_USAGE_RATE}%"]]
    parts.append(html_table(["", "利用率"], rates))  # type: ignore[arg-type]
    for title, counts in (("証明書の種類別", report.by_kind), ("事業者別", report.by_operator)):
        parts.append(f"<h2>{title}</h2>")
        parts.append(html_table(["", "通数"], [[k, v] for k, v in counts.items()]))
    parts += [f'<h2>図</h2><img src="{p.name}">' for p in chart_paths if p.suffix == ".png"]
    return "".join(parts)


def write_usage_report(out: Path, report: UsageReport) -> tuple[list[Path], Path, list[str]]:
    """CSV files, the month/hour chart and a PDF; returns (files, pdf, summary)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = write_usage_csvs(out, report)
    chart_paths = charts.usage_profile(report.by_month, report.by_hour, out)
    summary = summarise_usage(report)
    pdf = out / f"usage_fy{report.fy}.pdf"
    pdf.write_bytes(
        render_pdf(f"利用状況 {report.fy}", _pdf_body(report, summary, chart_paths), out)
    )
    return paths + chart_paths, pdf, summary

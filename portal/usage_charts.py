"""The usage page's two charts, in the reader's language, from one municipality's figures."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from billing.reports.municipal import MunicipalUsage
from portal.charts import Series, line_chart, share_chart
from portal.formatting import month_text
from portal.i18n import t

SHOWN_KINDS = 8  # one style each (portal.charts.STYLES)


def usage_charts(
    usage: MunicipalUsage, lang: str, kind_label: Callable[[str], str]
) -> dict[str, Markup]:
    """{"by_kind": SVG, "share": SVG}: certificates per month and kind (a line each), and the
    kiosk share per month against the national figure."""
    labels = [month_text(m, lang, with_year=i == 0) for i, m in enumerate(usage.months)]
    first, last = (_month_words(m, lang) for m in (usage.months[0], usage.months[-1]))
    series = [
        Series(kind_label(kind), [usage.kiosk[m].get(kind, 0) for m in usage.months])
        for kind in usage.kinds()[:SHOWN_KINDS]
    ]
    by_kind = line_chart(
        "chart-kind",
        t("chart_by_kind_title"),
        t("chart_by_kind_desc", first=first, last=last),
        labels,
        series,
        t("axis_certificates"),
        t("axis_month"),
    )
    national = f"{usage.national_rate:.1f}"
    share = share_chart(
        "chart-share",
        t("chart_share_title"),
        t("chart_share_desc", national=national),
        labels,
        [s.rate for s in usage.shares()],
        usage.national_rate,
        t("national_label", national=national),
        t("no_counter"),
        t("axis_share"),
        t("axis_month"),
    )
    return {"by_kind": by_kind, "share": share}


def _month_words(month: str, lang: str) -> str:
    """``2025-12`` as 2025年12月 / Dec 2025, for a chart's description."""
    name, _, year = month_text(month, lang, with_year=True).partition("\n")
    return f"{name} {year}" if lang == "en" else f"{year}{name}"

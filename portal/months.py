"""A month (YYYY-MM) as staff read it: 令和8年11月, with 2026年11月 on hover."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from issuance.calendar import to_wareki

ENGLISH_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def month_html(month: str, lang: str = "ja") -> Markup:
    """``2026-11`` → ``<time datetime="2026-11" title="2026年11月">令和8年11月</time>``
    (English: November 2026, 令和 in the title). Anything not a month is shown as typed."""
    try:
        first = date(int(month[:4]), int(month[5:7]), 1)
    except ValueError:
        return Markup("{0}").format(month)
    wareki = to_wareki(first).removesuffix("1日")
    seireki = f"{first.year}年{first.month}月"
    if lang == "en":
        english = f"{ENGLISH_MONTHS[first.month - 1]} {first.year}"
        return Markup('<time datetime="{0}" title="{1}">{2}</time>').format(month, wareki, english)
    return Markup('<time datetime="{0}" title="{1}">{2}</time>').format(month, seireki, wareki)

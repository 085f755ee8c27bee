"""How the portal writes money, dates and audited values: ¥1,234, 和暦 with the 西暦 date in a
title, はい/いいえ."""

from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup

from issuance.calendar import JST, era_of, to_wareki
from issuance.model import KIND_LABELS, CertificateKind
from portal.strings import STRINGS


def yen(amount: int) -> str:
    """``1234`` → ``¥1,234`` (negative amounts as ``-¥1,234``)."""
    return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"


def jst_date(value: date | datetime) -> date:
    """The JST calendar date of ``value`` (an aware datetime, or a date taken as is)."""
    return value.astimezone(JST).date() if isinstance(value, datetime) else value


def wareki_html(value: date | datetime, lang: str = "ja") -> Markup:
    """A ``<time>`` element: 令和8年12月6日 (2026-12-06 in its title); English puts 西暦 first."""
    day = jst_date(value)
    wareki = to_wareki(day)
    seireki = f"{day.year}年{day.month}月{day.day}日"
    if lang == "en":
        return Markup('<time datetime="{0}" title="{1}">{0}</time>').format(day.isoformat(), wareki)
    return Markup('<time datetime="{0}" title="{1}">{2}</time>').format(
        day.isoformat(), seireki, wareki
    )


WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def wareki_time_html(value: datetime, lang: str = "ja") -> Markup:
    """``wareki_html``, the JST weekday and time of day: 令和8年12月6日（日） 21:00."""
    local = value.astimezone(JST)
    if lang == "en":
        day = Markup(" ({0}) {1}").format(WEEKDAYS_EN[local.weekday()], local.strftime("%H:%M"))
    else:
        day = Markup("（{0}） {1}").format(WEEKDAYS_JA[local.weekday()], local.strftime("%H:%M"))
    return wareki_html(value, lang) + day


STEPS = {"password": ("パスワード", "password"), "totp": ("確認コード", "verification code")}


def audit_value(field: str, value: object, lang: str = "ja", action: str = "") -> str | Markup:
    """An audit entry's value as staff read it: yen for fees, 和暦 for date-times, yes/no, an
    upload's size and result in words, roles and sign-in steps by name."""
    if value is None and field == "kind" and action.startswith("maintenance"):
        return "全ての証明書" if lang == "ja" else "Every certificate"  # a window of every kind
    if value is None:
        return "—"
    if field == "role" and isinstance(value, str) and f"role_{value}" in STRINGS:
        ja, en = STRINGS[f"role_{value}"]
        return en if lang == "en" else ja
    if field == "step" and value in STEPS:
        ja, en = STEPS[str(value)]
        return en if lang == "en" else ja
    if field == "wide_area_tax" and isinstance(value, bool):  # 課税証明書の広域交付
        if lang == "en":
            return "takes part" if value else "does not take part"
        return "参加する" if value else "参加しない"
    if field == "koseki_registration_days" and isinstance(value, int):
        return f"{value} business days" if lang == "en" else f"{value}開庁日"
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("はい" if value else "いいえ")
    if field == "fee" and isinstance(value, int):
        return yen(value)
    if field.startswith("hours_") and isinstance(value, str):  # "06:30-23:00" or "closed"
        if value == "closed":
            return "Closed" if lang == "en" else "休止"
        return value.replace("-", "–" if lang == "en" else "〜")
    if field == "size_bytes" and isinstance(value, int):
        return f"{value:,} bytes" if lang == "en" else f"{value:,}バイト"
    if field == "state" and isinstance(value, str) and f"upload_state_{value}" in STRINGS:
        ja, en = STRINGS[f"upload_state_{value}"]
        return en if lang == "en" else ja
    if field == "kind" and isinstance(value, str) and value in KIND_LABELS:
        ja, en = KIND_LABELS[CertificateKind(value)]
        return en if lang == "en" else ja
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            return wareki_time_html(datetime.fromisoformat(value), lang)
        except ValueError:
            return value
    return str(value)


def month_text(month: str, lang: str = "ja", with_year: bool = False) -> str:
    """``2026-11`` as chart-axis text: 11月 / Nov; with the year on a second line
    ("1月\n令和8年") when ``with_year`` or the month is January."""
    year, mon = int(month[:4]), int(month[5:7])
    name = date(year, mon, 1).strftime("%b") if lang == "en" else f"{mon}月"
    if with_year or mon == 1:
        if lang == "en":
            return f"{name}\n{year}"
        era, era_year = era_of(date(year, mon, 1))
        return f"{name}\n{era}{'元' if era_year == 1 else era_year}年"
    return name

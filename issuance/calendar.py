"""The certificates' calendar: JST, 和暦 dates (令和8年11月22日), ages, office days, closures."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import jpholiday

#: Japan Standard Time: every date a certificate, a fee or a closure speaks of is a JST date.
JST = ZoneInfo("Asia/Tokyo")

#: Era names and their first day, newest first.
ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)),
    ("明治", date(1868, 1, 25)),
)

_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


class WarekiRangeError(ValueError):
    """A date before 明治, which no era in ``ERAS`` can name."""


def to_fullwidth_digits(text: str) -> str:
    """Replace ASCII digits with full-width ones (０-９); leave everything else as is."""
    return text.translate(_FULLWIDTH_DIGITS)


def era_of(d: date) -> tuple[str, int]:
    """The era name and the year within it (1 for 元年) of ``d``."""
    for name, first_day in ERAS:
        if d >= first_day:
            return name, d.year - first_day.year + 1
    raise WarekiRangeError(f"{d.isoformat()} is before the 明治 era")


def to_wareki(d: date, *, fullwidth: bool = False) -> str:
    """``d`` as 「令和8年11月22日」; the first year of an era is written 元年."""
    era, year = era_of(d)
    year_text = "元" if year == 1 else str(year)
    text = f"{era}{year_text}年{d.month}月{d.day}日"
    return to_fullwidth_digits(text) if fullwidth else text


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def in_new_year_closure(day: date) -> bool:
    """29 December to 3 January, every year."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: date) -> bool:
    """A municipal office day: not a weekend, national holiday or the new-year closure."""
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not in_new_year_closure(day)

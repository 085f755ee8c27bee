"""Japanese era dates (和暦) as printed on certificates: 令和8年11月22日, 令和元年5月1日."""

from __future__ import annotations

from datetime import date

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

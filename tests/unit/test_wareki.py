"""和暦 conversion at every era boundary."""

from datetime import date

import pytest

from issuance.calendar import WarekiRangeError, era_of, to_fullwidth_digits, to_wareki


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(1868, 1, 25), "明治元年1月25日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1927, 1, 1), "昭和2年1月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(2026, 11, 22), "令和8年11月22日"),
    ],
)
def test_to_wareki_names_the_era_in_force_on_that_day(day: date, expected: str) -> None:
    assert to_wareki(day) == expected


def test_to_wareki_can_write_full_width_digits() -> None:
    assert to_wareki(date(2026, 11, 22), fullwidth=True) == "令和８年１１月２２日"
    assert to_wareki(date(2019, 5, 1), fullwidth=True) == "令和元年５月１日"


def test_era_of_counts_the_first_year_as_one() -> None:
    assert era_of(date(2019, 5, 1)) == ("令和", 1)
    assert era_of(date(2019, 12, 31)) == ("令和", 1)


def test_dates_before_meiji_are_refused() -> None:
    with pytest.raises(WarekiRangeError):
        to_wareki(date(1868, 1, 24))


def test_to_fullwidth_digits_leaves_other_characters_alone() -> None:
    assert to_fullwidth_digits("第12号-ab") == "第１２号-ab"

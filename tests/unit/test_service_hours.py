"""Which hours apply on a day: 平日, 土曜, or 日曜・祝日 (a holiday on a Saturday counts as a
holiday), and never over the New Year."""

from __future__ import annotations

from datetime import date, datetime, time

from issuance.calendar import JST
from issuance.eligibility import within_hours
from issuance.ports import Offering
from issuance.service_hours import DayClass, DayHours, ServiceHours, day_class

HOURS = ServiceHours(DayHours(time(6, 30), time(23, 0)), DayHours(time(9, 0), time(17, 0)), None)
OFFERING = Offering("juminhyo", True, 200, HOURS)


def test_each_day_has_its_class() -> None:
    assert day_class(date(2026, 12, 4)) is DayClass.WEEKDAY  # Friday
    assert day_class(date(2026, 12, 5)) is DayClass.SATURDAY
    assert day_class(date(2026, 12, 6)) is DayClass.HOLIDAY  # Sunday
    assert day_class(date(2026, 11, 23)) is DayClass.HOLIDAY  # 勤労感謝の日, a Monday
    assert day_class(date(2028, 4, 29)) is DayClass.HOLIDAY  # 昭和の日, a Saturday


def test_the_hours_of_the_days_class_apply() -> None:
    assert within_hours(OFFERING, datetime(2026, 12, 4, 22, 0, tzinfo=JST))
    assert not within_hours(OFFERING, datetime(2026, 12, 5, 18, 0, tzinfo=JST))
    assert within_hours(OFFERING, datetime(2026, 12, 5, 9, 0, tzinfo=JST))
    assert not within_hours(OFFERING, datetime(2026, 12, 6, 10, 0, tzinfo=JST))
    assert not within_hours(OFFERING, datetime(2028, 4, 29, 10, 0, tzinfo=JST))


def test_the_new_year_closes_every_class() -> None:
    every_day = Offering("juminhyo", True, 200, ServiceHours.every_day(time(0), time(23, 59)))
    assert not within_hours(every_day, datetime(2026, 12, 29, 10, 0, tzinfo=JST))  # Tuesday
    assert not within_hours(every_day, datetime(2027, 1, 2, 10, 0, tzinfo=JST))  # Saturday
    assert within_hours(every_day, datetime(2027, 1, 4, 10, 0, tzinfo=JST))

"""Service hours by day class: 平日 / 土曜 / 日曜・祝日, each a time range (JST) or closed.

A municipality sets, per certificate kind, the hours its kiosks issue on weekdays, on
Saturdays, and on Sundays and national holidays (祝日, 振替休日: ``jpholiday``). A Saturday
that is a national holiday counts as a holiday. Over the New Year (12/29–1/3) the kiosk
service stops nationwide whatever the hours say (``in_new_year_closure``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, time

import jpholiday

from issuance.calendar import in_new_year_closure


class DayClass(enum.StrEnum):
    WEEKDAY = "weekday"  # 平日 (Monday to Friday, not a holiday)
    SATURDAY = "saturday"  # 土曜 (not a holiday)
    HOLIDAY = "holiday"  # 日曜・祝日


def day_class(day: date) -> DayClass:
    """The class of ``day`` (a JST date): holiday before Saturday before weekday."""
    if day.weekday() == 6 or jpholiday.is_holiday(day):
        return DayClass.HOLIDAY
    if day.weekday() == 5:
        return DayClass.SATURDAY
    return DayClass.WEEKDAY


@dataclass(frozen=True)
class DayHours:
    """Open from ``opens`` until before ``closes`` (JST); ``closes`` is after ``opens``."""

    opens: time
    closes: time

    def covers(self, moment: time) -> bool:
        return self.opens <= moment < self.closes


@dataclass(frozen=True)
class ServiceHours:
    """The hours of each day class; None: closed on those days."""

    weekday: DayHours | None
    saturday: DayHours | None
    holiday: DayHours | None

    @classmethod
    def every_day(cls, opens: time, closes: time) -> ServiceHours:
        same = DayHours(opens, closes)
        return cls(same, same, same)

    @classmethod
    def weekdays_only(cls, opens: time, closes: time) -> ServiceHours:
        return cls(DayHours(opens, closes), None, None)

    def of(self, cls: DayClass) -> DayHours | None:
        return {
            DayClass.WEEKDAY: self.weekday,
            DayClass.SATURDAY: self.saturday,
            DayClass.HOLIDAY: self.holiday,
        }[cls]

    def on(self, day: date) -> DayHours | None:
        """The hours on ``day`` (JST date); None when closed then, New Year included."""
        if in_new_year_closure(day):
            return None
        return self.of(day_class(day))

    def items(self) -> list[tuple[DayClass, DayHours | None]]:
        """(class, hours) in the order a clerk reads them: 平日, 土曜, 日曜・祝日."""
        return [(cls, self.of(cls)) for cls in DayClass]


#: The hours most municipalities keep: 6:30 to 23:00 every day (the service's own limits).
STANDARD_HOURS = ServiceHours.every_day(time(6, 30), time(23, 0))

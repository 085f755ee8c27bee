""" "What a resident sees" at a moment: the kiosk menu of a municipality, the day's class
(平日 / 土曜 / 日曜・祝日, or the New Year stop) and its own settings then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from issuance.calendar import JST, in_new_year_closure
from issuance.eligibility import MenuLine, municipal_menu
from issuance.ports import ScheduledSettings
from issuance.service_hours import DayClass, day_class
from issuance.staff.errors import NotVisibleError
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.directory import read_info


@dataclass(frozen=True)
class Preview:
    """The menu at ``at`` (aware), the class of its JST date and the settings in effect."""

    at: datetime
    day_class: DayClass
    new_year: bool  # 12/29-1/3: the service stops nationwide, whatever the hours
    lines: list[MenuLine]
    settings: ScheduledSettings


def preview_at(uow: SqlUnitOfWork, code: str, at: datetime) -> Preview:
    """What a kiosk shows a resident of ``code`` at ``at`` (``municipal_menu``, the check
    every request makes) and the 利用登録 delay and wide-area opt-in it applies then.
    NotVisibleError for an unknown code."""
    info = read_info(uow, code)
    if info is None:
        raise NotVisibleError()
    day = at.astimezone(JST).date()
    return Preview(
        at, day_class(day), in_new_year_closure(day), municipal_menu(info, at), info.settings_at(at)
    )

"""Who may get which certificate, where and when: the refusals of DOMAIN §3, checked in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from issuance.calendar import JST, age_on
from issuance.index.model import Resident, ResidentStatus
from issuance.model import CertificateKind
from issuance.ports import MunicipalityInfo, Offering
from issuance.refusals import RefusalError
from issuance.service_hours import day_class

SUPPORTED_KINDS = frozenset(CertificateKind)
MINIMUM_AGE = 15


def within_hours(offering: Offering, local: datetime) -> bool:
    """Whether ``local`` (JST) is within the offering's hours for its day class (平日 / 土曜 /
    日曜・祝日); never over the New Year (12/29–1/3)."""
    hours = offering.hours.on(local.date())
    return hours is not None and hours.covers(local.time())


def _out_of_hours(offering: Offering, local: datetime) -> RefusalError:
    """OUT_OF_HOURS with the day's class and, when open that day, its hours (HH:MM, JST)."""
    day = local.date()
    hours = offering.hours.on(day)
    if hours is None:
        return RefusalError("OUT_OF_HOURS", day_class=day_class(day).value, closed=True)
    return RefusalError(
        "OUT_OF_HOURS",
        day_class=day_class(day).value,
        opens=hours.opens.isoformat("minutes"),
        closes=hours.closes.isoformat("minutes"),
    )


def check_resident(resident: Resident, today: date) -> None:
    """Refusals about the person, whatever the certificate."""
    if resident.dv_protected:
        raise RefusalError("DV_PROTECTED")
    if resident.status is ResidentStatus.DECEASED:
        raise RefusalError("DECEASED")
    if age_on(resident.birth_date, today) < MINIMUM_AGE:
        raise RefusalError("UNDER_15")


def check_juminhyo(resident: Resident, today: date) -> None:
    if resident.status is ResidentStatus.MOVED_ABROAD:
        raise RefusalError("MOVED_ABROAD")
    if resident.municipality_code is None:
        raise RefusalError("NO_RECORD")  # moved out (転出), not yet moved in anywhere
    if resident.moving_out:
        raise RefusalError("MOVING_OUT")
    current = resident.residences[-1] if resident.residences else None
    if current is not None and current.from_date == today:
        raise RefusalError("MOVED_IN_TODAY")


def check_offering(info: MunicipalityInfo, kind: CertificateKind, now: datetime) -> Offering:
    if not info.participating:
        raise RefusalError("MUNICIPALITY_NOT_PARTICIPATING")
    if info.suspended:
        raise RefusalError("MUNICIPALITY_SUSPENDED")
    offering = info.offering_at(kind.value, now)
    if offering is None or not offering.offered:
        raise RefusalError("NOT_OFFERED")
    if kind not in SUPPORTED_KINDS:
        raise RefusalError("NOT_YET_SUPPORTED")
    if not within_hours(offering, now.astimezone(JST)):
        raise _out_of_hours(offering, now.astimezone(JST))
    for window in info.maintenance:
        if window.kind in (None, kind.value) and window.starts_at <= now < window.ends_at:
            raise RefusalError("MAINTENANCE", until=window.ends_at.astimezone(JST).isoformat())
    return offering


def check_request(
    resident: Resident, info: MunicipalityInfo | None, kind: CertificateKind, now: datetime
) -> Offering:
    """All refusals for ``kind``; returns the offering (with its fee) when it may be issued."""
    today = now.astimezone(JST).date()
    check_resident(resident, today)
    if kind in (CertificateKind.JUMINHYO, CertificateKind.JUMINHYO_KISAI):
        check_juminhyo(resident, today)
    if info is None:
        raise RefusalError("NO_RECORD")
    return check_offering(info, kind, now)


@dataclass(frozen=True)
class MenuLine:
    """One kind as a kiosk would show it to a resident of one municipality at one moment."""

    kind: str
    offering: Offering | None  # in effect then (None: never offered here)
    refusal: str | None  # the code the kiosk refuses it with then; None: it is issued


def municipal_menu(info: MunicipalityInfo, at: datetime) -> list[MenuLine]:
    """Every certificate kind at ``at`` through ``check_offering``, the check every kiosk menu
    and request makes (offered, hours, maintenance), leaving out the refusals that depend on
    the resident (age, moves, DV protection): what the municipality itself offers then."""
    lines = []
    for kind in CertificateKind:
        offering = info.offering_at(kind.value, at)
        try:
            check_offering(info, kind, at)
            lines.append(MenuLine(kind.value, offering, None))
        except RefusalError as refusal:
            lines.append(MenuLine(kind.value, offering, refusal.code))
    return lines

"""Who may get which certificate, where and when: the refusals of DOMAIN §3, checked in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from issuance.calendar import JST, age_on, in_new_year_closure, is_business_day
from issuance.index.model import Resident, ResidentStatus
from issuance.model import CertificateKind
from issuance.ports import MunicipalityInfo, Offering
from issuance.refusals import RefusalError

SUPPORTED_KINDS = frozenset(CertificateKind)
MINIMUM_AGE = 15


def within_hours(offering: Offering, local: datetime) -> bool:
    if in_new_year_closure(local.date()):
        return False
    if offering.weekdays_only and not is_business_day(local.date()):
        return False
    return offering.opens <= local.time() < offering.closes


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
    offering = info.offering_at(kind.value, now)
    if offering is None or not offering.offered:
        raise RefusalError("NOT_OFFERED")
    if kind not in SUPPORTED_KINDS:
        raise RefusalError("NOT_YET_SUPPORTED")
    if not within_hours(offering, now.astimezone(JST)):
        raise RefusalError(
            "OUT_OF_HOURS",
            opens=offering.opens.isoformat("minutes"),
            closes=offering.closes.isoformat("minutes"),
        )
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

"""利用登録: a resident's registration to get 本籍地 certificates from another municipality."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from issuance.calendar import JST, is_business_day
from issuance.index.model import Resident
from issuance.model import UseRegistration
from issuance.ports import MunicipalityDirectory, UnitOfWork
from issuance.refusals import RefusalError


def after_business_days(day: date, count: int) -> date:
    """The day after ``count`` business days have passed since ``day``."""
    passed = 0
    while passed < count:
        day += timedelta(days=1)
        if is_business_day(day):
            passed += 1
    return day


def check_use_registration(uow: UnitOfWork, resident: Resident, honseki: str, today: date) -> None:
    """Refuses unless the resident's 利用登録 with the 本籍地 is in effect today."""
    registration = uow.use_registrations.get(resident.juminhyo_code, honseki)
    if registration is None:
        raise RefusalError("USE_REGISTRATION_REQUIRED")
    if today < registration.usable_from:
        raise RefusalError(
            "USE_REGISTRATION_PENDING", usable_from=registration.usable_from.isoformat()
        )


def register_use(
    uow: UnitOfWork, directory: MunicipalityDirectory, resident: Resident, now: datetime
) -> UseRegistration:
    """File (or return the already filed) 利用登録 with the resident's 本籍地, usable after
    the delay (business days) the 本籍地 has set for ``now`` (``MunicipalityInfo.settings_at``)."""
    honseki = resident.honseki_municipality_code
    if honseki is None:
        raise RefusalError("NO_KOSEKI_RECORD")
    if honseki == resident.municipality_code:
        raise RefusalError("USE_REGISTRATION_NOT_NEEDED")
    info = directory.get(uow, honseki)
    if info is None or not info.participating:
        raise RefusalError("MUNICIPALITY_NOT_PARTICIPATING")
    if info.suspended:
        raise RefusalError("MUNICIPALITY_SUSPENDED")
    existing = uow.use_registrations.get(resident.juminhyo_code, honseki)
    if existing is not None:
        return existing
    today = now.astimezone(JST).date()
    registration = UseRegistration(
        juminhyo_code=resident.juminhyo_code,
        municipality_code=honseki,
        requested_at=now,
        usable_from=after_business_days(today, info.settings_at(now).koseki_registration_days),
    )
    uow.use_registrations.add(registration)
    uow.commit()
    return registration


__all__ = ["UseRegistration", "after_business_days", "check_use_registration", "register_use"]

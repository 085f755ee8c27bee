"""利用登録: a resident's registration to get 本籍地 certificates from another municipality."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from issuance.calendar import JST, is_business_day
from issuance.db import Base, UtcDateTime
from issuance.index.model import Resident
from issuance.ports import MunicipalityDirectory, UnitOfWork
from issuance.refusals import RefusalError


class UseRegistration(Base):
    """Filed at a kiosk (or counter); usable once the 本籍地 has processed it."""

    __tablename__ = "issuance_use_registration"

    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    usable_from: Mapped[date] = mapped_column(Date)


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
    registration = uow.session.get(UseRegistration, (resident.juminhyo_code, honseki))
    if registration is None:
        raise RefusalError("USE_REGISTRATION_REQUIRED")
    if today < registration.usable_from:
        raise RefusalError(
            "USE_REGISTRATION_PENDING", usable_from=registration.usable_from.isoformat()
        )


def register_use(
    uow: UnitOfWork, directory: MunicipalityDirectory, resident: Resident, now: datetime
) -> UseRegistration:
    """File (or return the already filed) 利用登録 with the resident's 本籍地."""
    honseki = resident.honseki_municipality_code
    if honseki is None:
        raise RefusalError("NO_KOSEKI_RECORD")
    if honseki == resident.municipality_code:
        raise RefusalError("USE_REGISTRATION_NOT_NEEDED")
    info = directory.get(uow, honseki)
    if info is None or not info.participating:
        raise RefusalError("MUNICIPALITY_NOT_PARTICIPATING")
    existing = uow.session.get(UseRegistration, (resident.juminhyo_code, honseki))
    if existing is not None:
        return existing
    today = now.astimezone(JST).date()
    registration = UseRegistration(
        juminhyo_code=resident.juminhyo_code,
        municipality_code=honseki,
        requested_at=now,
        usable_from=after_business_days(today, info.koseki_registration_days),
    )
    uow.session.add(registration)
    uow.commit()
    return registration

"""Which municipality answers for each certificate kind (DOMAIN §3), and whether it may now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from issuance.calendar import JST
from issuance.eligibility import check_juminhyo, check_offering, check_resident
from issuance.index.model import Resident, ResidentStatus
from issuance.model import CertificateKind
from issuance.ports import MunicipalityDirectory, MunicipalityInfo, Offering, UnitOfWork
from issuance.refusals import RefusalError
from issuance.use_registration import check_use_registration

RESIDENCE_KINDS = frozenset(
    {CertificateKind.JUMINHYO, CertificateKind.JUMINHYO_KISAI, CertificateKind.INKAN}
)
HONSEKI_KINDS = frozenset(
    {CertificateKind.KOSEKI_ZENBU, CertificateKind.KOSEKI_KOJIN, CertificateKind.KOSEKI_FUHYO}
)
TAX_KINDS = frozenset({CertificateKind.KAZEI, CertificateKind.SHOTOKU})
TAX_DATA_MONTH = 6  # a tax year's assessments appear in June of that year
TAX_YEARS_AT_KIOSK = 2  # the latest tax year and the one before


@dataclass(frozen=True)
class Route:
    """The municipality that answers and certifies, its offering, and how it was chosen."""

    kind: CertificateKind
    info: MunicipalityInfo
    offering: Offering
    tax_year: int | None = None
    wide_area: bool = False  # 課税証明書の広域交付 from the former municipality


def latest_tax_year(today: date) -> int:
    return today.year if today.month >= TAX_DATA_MONTH else today.year - 1


def _municipality(
    uow: UnitOfWork, directory: MunicipalityDirectory, code: str | None
) -> MunicipalityInfo:
    info = directory.get(uow, code) if code else None
    if info is None:
        raise RefusalError("NO_RECORD")
    return info


def _route_honseki(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    resident: Resident,
    kind: CertificateKind,
    now: datetime,
) -> Route:
    code = resident.honseki_municipality_code
    info = directory.get(uow, code) if code else None
    if code is None or info is None:
        raise RefusalError("NO_KOSEKI_RECORD")
    offering = check_offering(info, kind, now)
    if code != resident.municipality_code:
        check_use_registration(uow, resident, code, now.astimezone(JST).date())
    return Route(kind, info, offering)


def _tax_year(requested: int | None, today: date) -> int:
    latest = latest_tax_year(today)
    year = latest if requested is None else requested
    if year > latest:
        raise RefusalError("NO_TAX_DATA_YET", tax_year=year)
    if year <= latest - TAX_YEARS_AT_KIOSK:
        raise RefusalError("TAX_YEAR_NOT_OFFERED", tax_year=year)
    return year


def _route_tax(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    resident: Resident,
    kind: CertificateKind,
    now: datetime,
    requested_year: int | None,
) -> Route:
    year = _tax_year(requested_year, now.astimezone(JST).date())
    source = resident.municipality_on(date(year, 1, 1))
    if source is None:
        raise RefusalError("NOT_RESIDENT_ON_JANUARY_1", tax_year=year)
    current = _municipality(uow, directory, resident.municipality_code)
    if source == current.code:
        return Route(kind, current, check_offering(current, kind, now), year)
    former = directory.get(uow, source)
    if former is None or not (
        former.settings_at(now).wide_area_tax and current.settings_at(now).wide_area_tax
    ):
        raise RefusalError("WIDE_AREA_NOT_AVAILABLE", tax_year=year)
    if not current.participating:
        raise RefusalError("MUNICIPALITY_NOT_PARTICIPATING")
    if current.suspended:
        raise RefusalError("MUNICIPALITY_SUSPENDED")
    return Route(kind, former, check_offering(former, kind, now), year, wide_area=True)


def check_resident_for(resident: Resident, kind: CertificateKind, today: date) -> None:
    """The refusals about the person for ``kind`` (DOMAIN §3), before any municipality is asked.

    Raises RefusalError: DV_PROTECTED, DECEASED, UNDER_15 for every kind; MOVED_ABROAD for all
    but the 本籍地 kinds (NO_RECORD between a 転出 and the next 転入); MOVING_OUT (転出届) for
    住民票・印鑑・課税; MOVED_IN_TODAY for 住民票・印鑑. Needs nothing but the resident: cheap
    enough for every call of a session.
    """
    check_resident(resident, today)
    if kind in HONSEKI_KINDS:
        return
    if resident.status is ResidentStatus.MOVED_ABROAD:
        raise RefusalError("MOVED_ABROAD")  # only 本籍地 certificates apply to them
    if resident.municipality_code is None:
        raise RefusalError("NO_RECORD")  # moved out (転出), not yet moved in anywhere
    if kind in TAX_KINDS:
        if resident.moving_out:
            raise RefusalError("MOVING_OUT")
        return
    check_juminhyo(resident, today)


def answering_municipality(resident: Resident, kind: CertificateKind) -> str | None:
    """The municipality a refusal of ``kind`` is counted for when no route was found: the
    本籍地 for the 戸籍 kinds, else the residence (None: neither is known)."""
    if kind in HONSEKI_KINDS:
        return resident.honseki_municipality_code
    return resident.municipality_code


def route_request(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    resident: Resident,
    kind: CertificateKind,
    now: datetime,
    tax_year: int | None = None,
) -> Route:
    """Every refusal for ``kind``, then the municipality that answers for it.

    The centre's own DV list is checked first, for every kind, whatever a backend says.
    """
    check_resident_for(resident, kind, now.astimezone(JST).date())
    if kind in HONSEKI_KINDS:
        return _route_honseki(uow, directory, resident, kind, now)
    if kind in TAX_KINDS:
        return _route_tax(uow, directory, resident, kind, now, tax_year)
    info = _municipality(uow, directory, resident.municipality_code)
    return Route(kind, info, check_offering(info, kind, now))

"""Which municipalities take part, as the centre's operators keep it: listed, joined (backend,
class, population), suspended and resumed. Audited, one commit each.

The municipality table is reference data (migration 0007's triggers): every centre process
reads a change again on its next call, so a suspension refuses the next kiosk call
(issuance.eligibility: MUNICIPALITY_SUSPENDED) in every process.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.model import BackendKind, Municipality, MunicipalityClass

POPULATION_MAX = 40_000_000  # more than any municipality (Tokyo-to is 14 million)
# 地方自治法 §252-19, §252-22: 政令指定都市 (population 500,000+), 中核市 (200,000+).
LEAST_POPULATION = {
    MunicipalityClass.DESIGNATED_CITY_1M: 1_000_000,
    MunicipalityClass.DESIGNATED_CITY: 500_000,
    MunicipalityClass.CORE_CITY: 200_000,
}
# Plausibility, not law: well above the largest of each class in the 住民基本台帳 (the largest
# 村, 読谷村, about 41,000; 町 about 55,000; a 市 not designated about 650,000; 特別区,
# 世田谷区, about 940,000), so a population typed into the wrong class is caught: the class
# decides the 運営負担金 tier (billing.tariffs.contribution_class).
MOST_POPULATION = {
    MunicipalityClass.DESIGNATED_CITY: 999_999,  # a million or more: the 1M class
    MunicipalityClass.CITY: 1_000_000,
    MunicipalityClass.SPECIAL_WARD: 1_500_000,
    MunicipalityClass.TOWN: 150_000,
    MunicipalityClass.VILLAGE: 100_000,
}


@dataclass(frozen=True)
class MunicipalityLine:
    code: str
    name: str
    prefecture: str
    status: str  # "taking_part", "suspended" or "not_taking_part"
    backend: BackendKind
    municipality_class: MunicipalityClass
    population: int
    suspended_at: datetime | None


def status_of(municipality: Municipality) -> str:
    if not municipality.participating:
        return "not_taking_part"
    return "suspended" if municipality.suspended_at is not None else "taking_part"


def _require_centre(account: StaffAccount) -> None:
    if account.role is not Role.CENTRE_OPERATOR:
        raise NotVisibleError()


def municipalities(uow: SqlUnitOfWork, account: StaffAccount) -> list[MunicipalityLine]:
    """Every municipality, by code, for a centre operator (NotVisibleError for anyone else)."""
    _require_centre(account)
    rows = uow.session.scalars(select(Municipality).order_by(Municipality.code))
    return [
        MunicipalityLine(
            m.code,
            m.name,
            m.prefecture,
            status_of(m),
            m.backend_kind,
            m.municipality_class,
            m.population,
            m.suspended_at,
        )
        for m in rows
    ]


def municipality(uow: SqlUnitOfWork, account: StaffAccount, code: str) -> Municipality:
    """One municipality for a centre operator; NotVisibleError when unknown or not one."""
    _require_centre(account)
    found = uow.session.get(Municipality, code[:6])
    if found is None:
        raise NotVisibleError()
    return found


def _refuse(code: str, ja: str, en: str) -> StaffInputError:
    return StaffInputError(code, ja, en)


def check_joining(
    backend: str, klass: str, population: str
) -> tuple[BackendKind, MunicipalityClass, int]:
    """The backend kind, class and population as typed, checked whole.

    Raises StaffInputError BACKEND_INVALID, CLASS_INVALID, POPULATION_INVALID (a whole number
    from 1 to 40,000,000) or POPULATION_BELOW_CLASS (a 政令市 under 500,000, a 中核市
    under 200,000: 地方自治法 §252-19, §252-22; over a million for the 1M class) or
    POPULATION_ABOVE_CLASS (more than ``MOST_POPULATION`` allows for the class).
    """
    if backend not in {b.value for b in BackendKind}:
        raise _refuse(
            "BACKEND_INVALID", "証明書の発行方式を選んでください。", "Choose the backend."
        )
    if klass not in {c.value for c in MunicipalityClass}:
        raise _refuse("CLASS_INVALID", "団体の区分を選んでください。", "Choose the class.")
    typed = unicodedata.normalize("NFKC", population).replace(",", "").strip()  # "１２，０００"
    if not typed.isascii() or not typed.isdigit() or not 1 <= int(typed) <= POPULATION_MAX:
        raise _refuse(
            "POPULATION_INVALID",
            "人口は1から40,000,000までの整数で入力してください。",
            "The population must be a whole number from 1 to 40,000,000.",
        )
    kind, cls, people = BackendKind(backend), MunicipalityClass(klass), int(typed)
    if people < LEAST_POPULATION.get(cls, 0):
        raise _refuse(
            "POPULATION_BELOW_CLASS",
            "人口がこの区分の要件に足りません。区分か人口を確認してください。",
            "The population is below what this class requires; check the class or population.",
        )
    if people > MOST_POPULATION.get(cls, POPULATION_MAX):
        raise _refuse(
            "POPULATION_ABOVE_CLASS",
            "この区分としては人口が多すぎます。区分か人口を確認してください。",
            "The population is too large for this class; check the class or population.",
        )
    return kind, cls, people


def _facts(m: Municipality) -> dict[str, object]:
    return {
        "participating": m.participating,
        "backend_kind": m.backend_kind.value,
        "municipality_class": m.municipality_class.value,
        "population": m.population,
    }


def join(
    uow: SqlUnitOfWork,
    account: StaffAccount,
    code: str,
    *,
    backend: str,
    klass: str,
    population: str,
    now: datetime,
) -> Municipality:
    """A municipality not taking part joins, with its backend kind, class and population.

    Raises NotVisibleError, StaffInputError (see ``check_joining``; ALREADY_TAKING_PART).
    """
    found = municipality(uow, account, code)
    kind, cls, people = check_joining(backend, klass, population)
    if found.participating:
        raise _refuse(
            "ALREADY_TAKING_PART",
            "この団体はすでに参加しています。",
            "This municipality already takes part.",
        )
    old = _facts(found)
    found.participating, found.backend_kind = True, kind
    found.municipality_class, found.population = cls, people
    found.suspended_at = None
    audit(uow, account.id, "municipality_join", ("municipality", code), now, old, _facts(found))
    uow.commit()
    return found


def suspend(uow: SqlUnitOfWork, account: StaffAccount, code: str, now: datetime) -> Municipality:
    """Suspend a municipality taking part: its residents are refused at kiosks from the next
    call. Raises NotVisibleError, StaffInputError NOT_TAKING_PART or ALREADY_SUSPENDED."""
    found = municipality(uow, account, code)
    if not found.participating:
        raise _refuse(
            "NOT_TAKING_PART",
            "この団体は参加していません。",
            "This municipality does not take part.",
        )
    if found.suspended_at is not None:
        raise _refuse("ALREADY_SUSPENDED", "すでに休止中です。", "It is already suspended.")
    found.suspended_at = now
    audit(
        uow,
        account.id,
        "municipality_suspend",
        ("municipality", code),
        now,
        {"suspended_at": None},
        {"suspended_at": now.isoformat()},
    )
    uow.commit()
    return found


def resume(uow: SqlUnitOfWork, account: StaffAccount, code: str, now: datetime) -> Municipality:
    """End a suspension. Raises NotVisibleError or StaffInputError NOT_SUSPENDED."""
    found = municipality(uow, account, code)
    if found.suspended_at is None:
        raise _refuse("NOT_SUSPENDED", "休止していません。", "It is not suspended.")
    old = {"suspended_at": found.suspended_at.isoformat()}
    found.suspended_at = None
    audit(
        uow,
        account.id,
        "municipality_resume",
        ("municipality", code),
        now,
        old,
        {"suspended_at": None},
    )
    uow.commit()
    return found

"""The checks an extract passes before anything is written: keys, references, what is kept."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from sqlalchemy import select

from issuance.index.model import Resident
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.bcl import BclHousehold, BclPerson
from municipalities.bcl_problems import Problem
from municipalities.bcl_records import BclFuhyo, BclKoseki, BclSealRegistration
from municipalities.bcl_rows import Row, seal_name_problems

IN_CHUNK = 5_000  # bound parameters per query (SQLite allows 32,766)


class Sections(Protocol):
    municipality_code: str

    def rows(self, section: str) -> list[Row]: ...

    def replaces(self, section: str) -> bool: ...


def _duplicates(section: str, rows: list[Row], field: str, key: Any) -> Iterator[Problem]:
    first: dict[Any, int] = {}
    for number, row in enumerate(rows, start=1):
        value = key(row)
        if value in first:
            yield Problem(section, number, field, "DUPLICATE", f"same as row {first[value]}")
        first.setdefault(value, number)


def _koseki_members(extract: Sections) -> Iterator[Problem]:
    """One person is current (not 除籍) in at most one 戸籍 here, and in each 戸籍 once."""
    current: dict[str, int] = {}
    for number, row in enumerate(extract.rows("koseki"), start=1):
        seen: set[str] = set()
        for index, member in enumerate(row.members):  # type: ignore[attr-defined]
            code, field = member.juminhyo_code, f"members.{index}.juminhyo_code"
            if code is None:
                continue
            if code in seen:
                yield Problem("koseki", number, field, "DUPLICATE", "twice in this 戸籍")
            elif not member.removed and code in current:
                message = f"current member of the 戸籍 in row {current[code]} too"
                yield Problem("koseki", number, field, "DUPLICATE", message)
            seen.add(code)
            if not member.removed:
                current.setdefault(code, number)


def cross_check(extract: Sections) -> list[Problem]:
    """Within the file: no key twice in a section, references between sections resolve."""
    rows = extract.rows
    problems = [
        *_duplicates("households", rows("households"), "id", lambda r: r.id),
        *_duplicates("residents", rows("residents"), "juminhyo_code", lambda r: r.juminhyo_code),
        *_duplicates("seals", rows("seals"), "juminhyo_code", lambda r: r.juminhyo_code),
        *_duplicates(
            "tax_assessments",
            rows("tax_assessments"),
            "tax_year",
            lambda r: (r.juminhyo_code, r.tax_year),
        ),
        *_duplicates("koseki", rows("koseki"), "id", lambda r: r.id),
        *_duplicates("fuhyo", rows("fuhyo"), "juminhyo_code", lambda r: r.juminhyo_code),
        *_koseki_members(extract),
    ]
    households = _values(rows("households"), "id")
    for i, r in enumerate(rows("residents"), start=1):
        if r.household_id not in households:  # type: ignore[attr-defined]
            problems.append(Problem("residents", i, "household_id", "UNKNOWN_HOUSEHOLD", ""))
    if extract.replaces("residents"):
        residents = _values(rows("residents"), "juminhyo_code")
        problems += _unknown("seals", rows("seals"), "juminhyo_code", residents, "RESIDENT")
    problems += seal_name_problems(rows("residents"), rows("seals"), Problem)
    if extract.replaces("koseki"):
        koseki = _values(rows("koseki"), "id")
        problems += _unknown("fuhyo", rows("fuhyo"), "koseki_id", koseki, "KOSEKI")
    return problems


def _unknown(
    section: str, rows: list[Row], field: str, known: set[str], what: str
) -> list[Problem]:
    return [
        Problem(section, i, field, f"UNKNOWN_{what}", "")
        for i, r in enumerate(rows, start=1)
        if getattr(r, field) not in known
    ]


def _existing(uow: SqlUnitOfWork, column: Any, values: Iterable[str], *where: Any) -> set[str]:
    wanted, found = sorted(set(values)), set()
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        found |= set(uow.session.scalars(select(column).where(column.in_(chunk), *where)))
    return found


def _values(rows: list[Row], field: str) -> set[str]:
    return {getattr(r, field) for r in rows}


def _held_elsewhere(uow: SqlUnitOfWork, extract: Sections) -> list[Problem]:
    """Keys unique across municipalities that another one's data holds: the database would
    refuse them (a household or 戸籍 id, a resident still in another municipality's data)."""
    code, rows = extract.municipality_code, extract.rows
    elsewhere = BclHousehold.municipality_code != code
    held = {
        "households": _existing(uow, BclHousehold.id, _values(rows("households"), "id"), elsewhere),
        "residents": _existing(
            uow,
            BclPerson.juminhyo_code,
            _values(rows("residents"), "juminhyo_code"),
            BclPerson.household_id.in_(select(BclHousehold.id).where(elsewhere)),
        ),
        "koseki": _existing(
            uow, BclKoseki.id, _values(rows("koseki"), "id"), BclKoseki.municipality_code != code
        ),
    }
    fields = {"households": "id", "residents": "juminhyo_code", "koseki": "id"}
    return [
        Problem(section, i, fields[section], "HELD_BY_ANOTHER_MUNICIPALITY", "")
        for section, taken in held.items()
        for i, r in enumerate(rows(section), start=1)
        if getattr(r, fields[section]) in taken
    ]


def _kept_references(uow: SqlUnitOfWork, extract: Sections) -> list[Problem]:
    """A section kept must still fit the sections replaced beside it, and the other way round."""
    code, rows, problems = extract.municipality_code, extract.rows, []
    here = select(BclHousehold.id).where(BclHousehold.municipality_code == code)
    if not extract.replaces("residents"):
        residents = set(
            uow.session.scalars(
                select(BclPerson.juminhyo_code).where(BclPerson.household_id.in_(here))
            )
        )
        problems += _unknown("seals", rows("seals"), "juminhyo_code", residents, "RESIDENT")
    elif not extract.replaces("seals"):
        residents = _values(rows("residents"), "juminhyo_code")
        kept = uow.session.scalars(
            select(BclSealRegistration.juminhyo_code).where(
                BclSealRegistration.municipality_code == code
            )
        )
        orphans = sum(1 for c in kept if c not in residents)
        if orphans:
            message = f"{orphans} kept 印鑑登録 belong to no resident of this file: give seals too"
            problems.append(Problem("seals", 0, "juminhyo_code", "UNKNOWN_RESIDENT", message))
    koseki_here = BclKoseki.municipality_code == code
    if not extract.replaces("koseki"):
        koseki = set(uow.session.scalars(select(BclKoseki.id).where(koseki_here)))
        problems += _unknown("fuhyo", rows("fuhyo"), "koseki_id", koseki, "KOSEKI")
    elif not extract.replaces("fuhyo"):
        koseki = _values(rows("koseki"), "id")
        kept = uow.session.scalars(
            select(BclFuhyo.koseki_id).where(BclFuhyo.municipality_code == code)
        )
        orphans = sum(1 for k in kept if k not in koseki)
        if orphans:
            message = f"{orphans} kept 附票 refer to 戸籍 this file leaves out: give fuhyo too"
            problems.append(Problem("fuhyo", 0, "koseki_id", "UNKNOWN_KOSEKI", message))
    return problems


def _index_check(uow: SqlUnitOfWork, extract: Sections) -> list[Problem]:
    """Every resident in the file is registered in this municipality in the national index.

    The index stands in for 住基ネット and is never written by an import (docs/bcl-format.md).
    """
    indexed = set(
        uow.session.scalars(
            select(Resident.juminhyo_code).where(
                Resident.municipality_code == extract.municipality_code
            )
        )
    )
    return [
        Problem(
            "residents",
            i,
            "juminhyo_code",
            "NOT_IN_RESIDENT_INDEX",
            "not registered in this municipality in the national resident index",
        )
        for i, r in enumerate(extract.rows("residents"), start=1)
        if r.juminhyo_code not in indexed  # type: ignore[attr-defined]
    ]


def database_check(uow: SqlUnitOfWork, extract: Sections) -> list[Problem]:
    """Against the data in use: what the database would refuse, what a kept section needs,
    and the national index. Reads only; the problems are reported with the file's own."""
    return (
        _index_check(uow, extract) + _held_elsewhere(uow, extract) + _kept_references(uow, extract)
    )

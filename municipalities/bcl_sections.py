"""One municipality's BCL data per section of the extract: count it, delete it, write it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.sql import Select

from issuance.unit_of_work import SqlUnitOfWork
from municipalities.bcl import BclHousehold, BclPerson
from municipalities.bcl_records import (
    BclFuhyo,
    BclKoseki,
    BclKosekiMembership,
    BclSealRegistration,
    BclTaxAssessment,
)
from municipalities.bcl_rows import Row

Progress = Callable[[int], None]
CHUNK = 5_000
# Per-municipality tables of the sections other than households and residents.
TABLES: dict[str, Any] = {
    "seals": BclSealRegistration,
    "tax_assessments": BclTaxAssessment,
    "koseki": BclKoseki,
    "fuhyo": BclFuhyo,
}


def _households(code: str) -> Select[Any]:
    return select(BclHousehold.id).where(BclHousehold.municipality_code == code)


def count_rows(uow: SqlUnitOfWork, code: str, section: str) -> int:
    """How many rows of ``section`` the municipality ``code`` holds now."""
    if section == "households":
        query = select(func.count()).select_from(_households(code).subquery())
    elif section == "residents":
        query = select(func.count()).where(BclPerson.household_id.in_(_households(code)))
    else:
        table = TABLES[section]
        query = select(func.count()).select_from(table).where(table.municipality_code == code)
    return uow.session.scalar(query) or 0


def delete_section(uow: SqlUnitOfWork, code: str, section: str) -> None:
    """Remove the municipality's rows of ``section`` (residents before their households)."""
    if section == "residents":
        uow.session.execute(delete(BclPerson).where(BclPerson.household_id.in_(_households(code))))
    elif section == "households":
        uow.session.execute(delete(BclHousehold).where(BclHousehold.municipality_code == code))
    else:
        if section == "koseki":
            membership = BclKosekiMembership.municipality_code == code
            uow.session.execute(delete(BclKosekiMembership).where(membership))
        table = TABLES[section]
        uow.session.execute(delete(table).where(table.municipality_code == code))


def _dump(row: Row, **extra: Any) -> dict[str, Any]:
    return {**row.model_dump(mode="python"), **extra}


def _json_fields(row: Row, fields: set[str]) -> dict[str, Any]:
    return row.model_dump(mode="json", include=fields)


def memberships(code: str, koseki: list[Row]) -> list[dict[str, Any]]:
    """Who is recorded in which 戸籍 here, currently or as 除籍 (BclKosekiMembership rows)."""
    return [
        {
            "municipality_code": code,
            "juminhyo_code": member.juminhyo_code,
            "koseki_id": row.id,  # type: ignore[attr-defined]
            "removed": member.removed,
        }
        for row in koseki
        for member in row.members  # type: ignore[attr-defined]
        if member.juminhyo_code
    ]


def section_rows(
    code: str, section: str, rows: list[Row]
) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The table rows one section's validated rows become, table by table in insert order."""
    if section == "households":
        return [(BclHousehold, [_dump(r, municipality_code=code) for r in rows])]
    if section == "residents":
        return [(BclPerson, [_dump(r) for r in rows])]
    nested = {"tax_assessments": {"incomes", "deductions"}, "koseki": {"members"}}
    nested["fuhyo"] = {"entries"}
    dumped = [
        {**_dump(r, municipality_code=code), **_json_fields(r, nested.get(section, set()))}
        for r in rows
    ]
    if section == "koseki":
        return [(BclKoseki, dumped), (BclKosekiMembership, memberships(code, rows))]
    return [(TABLES[section], dumped)]


def insert_rows(
    uow: SqlUnitOfWork, table: Any, rows: list[dict[str, Any]], progress: Progress
) -> None:
    """Insert ``rows`` into ``table`` in chunks, reporting each chunk's size to ``progress``."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        uow.session.execute(insert(table), chunk)
        progress(len(chunk))

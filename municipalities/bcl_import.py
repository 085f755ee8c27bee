"""BCL extract import: validate the whole file first, then replace a municipality's data at once."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, insert, select

from issuance.errors import KofuError
from issuance.identity import Resident
from issuance.ports import UnitOfWork
from municipalities.bcl import BclHousehold, BclPerson
from municipalities.bcl_records import (
    BclFuhyo,
    BclKoseki,
    BclKosekiMembership,
    BclSealRegistration,
    BclTaxAssessment,
)
from municipalities.bcl_rows import ERROR_CODES, NESTED, SECTIONS, Row, seal_name_problems

Progress = Callable[[int], None]
CHUNK = 5_000


@dataclass(frozen=True)
class Problem:
    section: str
    row: int  # 1-based within its section (CSV: the line number minus the header)
    field: str
    code: str
    message: str


class ExtractRejectedError(KofuError):
    code = "BCL_EXTRACT_REJECTED"
    message_ja = "連携用データに誤りがあるため取り込みませんでした。"
    message_en = "The extract has errors; nothing was imported."

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems=len(problems))
        self.problems = problems


@dataclass
class Extract:
    """A validated extract: every section's rows, keyed by section name."""

    municipality_code: str
    sections: dict[str, list[Row]] = field(default_factory=dict)

    def rows(self, section: str) -> list[Row]:
        return self.sections.get(section, [])

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.sections.values())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extract:
        return validate_extract(data)


def _problems(section: str, index: int, exc: ValidationError) -> list[Problem]:
    return [
        Problem(
            section,
            index + 1,
            ".".join(str(part) for part in error["loc"]) or "-",
            ERROR_CODES.get(error["type"], "BAD_VALUE"),
            error["msg"],
        )
        for error in exc.errors()
    ]


def _cross_check(extract: Extract) -> list[Problem]:
    """References between sections: residents → households, records → residents/戸籍."""
    problems: list[Problem] = []
    households = {r.id for r in extract.rows("households")}  # type: ignore[attr-defined]
    seen: set[str] = set()
    for i, r in enumerate(extract.rows("residents")):
        if r.household_id not in households:  # type: ignore[attr-defined]
            problems.append(Problem("residents", i + 1, "household_id", "UNKNOWN_HOUSEHOLD", ""))
        if r.juminhyo_code in seen:  # type: ignore[attr-defined]
            problems.append(Problem("residents", i + 1, "juminhyo_code", "DUPLICATE", ""))
        seen.add(r.juminhyo_code)  # type: ignore[attr-defined]
    for i, r in enumerate(extract.rows("seals")):
        if households and r.juminhyo_code not in seen:  # type: ignore[attr-defined]
            problems.append(Problem("seals", i + 1, "juminhyo_code", "UNKNOWN_RESIDENT", ""))
    problems += seal_name_problems(extract.rows("residents"), extract.rows("seals"), Problem)
    koseki_ids = {r.id for r in extract.rows("koseki")}  # type: ignore[attr-defined]
    for i, r in enumerate(extract.rows("fuhyo")):
        if r.koseki_id not in koseki_ids:  # type: ignore[attr-defined]
            problems.append(Problem("fuhyo", i + 1, "koseki_id", "UNKNOWN_KOSEKI", ""))
    return problems


def validate_extract(data: dict[str, Any]) -> Extract:
    """Every row of every section checked; raises with the full list of problems, if any."""
    problems: list[Problem] = []
    code = str(data.get("municipality_code", ""))
    extract = Extract(code)
    for name, model in SECTIONS.items():
        rows: list[Row] = []
        for index, raw in enumerate(data.get(name) or []):
            try:
                rows.append(model.model_validate(raw))
            except ValidationError as exc:
                problems.extend(_problems(name, index, exc))
        extract.sections[name] = rows
    unknown = set(data) - set(SECTIONS) - {"municipality_code", "format"}
    problems += [Problem(name, 0, "-", "UNKNOWN_SECTION", "") for name in sorted(unknown)]
    problems += _cross_check(extract) if not problems else []
    if problems:
        raise ExtractRejectedError(problems)
    return extract


def _csv_rows(text: str) -> list[dict[str, Any]]:
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row: dict[str, Any] = {}
        for key, value in raw.items():
            if value in ("", None):
                continue
            row[key] = json.loads(value) if key in NESTED else value
        rows.append(row)
    return rows


def read_extract_file(path: Path) -> dict[str, Any]:
    """A JSON extract, or a ZIP of one CSV per section (``residents.csv`` …) plus ``meta.json``."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            data: dict[str, Any] = (
                json.loads(archive.read("meta.json")) if "meta.json" in names else {}
            )
            for section in SECTIONS:
                if f"{section}.csv" in names:
                    data[section] = _csv_rows(archive.read(f"{section}.csv").decode("utf-8-sig"))
            return data
    loaded = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ExtractRejectedError([Problem("-", 0, "-", "NOT_AN_OBJECT", "")])
    return loaded


def _dump(row: Row, **extra: Any) -> dict[str, Any]:
    return {**row.model_dump(mode="python"), **extra}


def _insert(uow: UnitOfWork, table: Any, rows: list[dict[str, Any]], progress: Progress) -> None:
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        uow.session.execute(insert(table), chunk)
        progress(len(chunk))


def _delete_municipality(uow: UnitOfWork, code: str, residents: bool) -> None:
    for table in (BclSealRegistration, BclTaxAssessment, BclKosekiMembership, BclFuhyo, BclKoseki):
        uow.session.execute(delete(table).where(table.municipality_code == code))
    if residents:
        ids = select(BclHousehold.id).where(BclHousehold.municipality_code == code)
        uow.session.execute(delete(BclPerson).where(BclPerson.household_id.in_(ids)))
        uow.session.execute(delete(BclHousehold).where(BclHousehold.municipality_code == code))


def _row_sets(extract: Extract) -> list[tuple[Any, list[dict[str, Any]]]]:
    code = extract.municipality_code
    amounts = ("incomes", "deductions")
    memberships = [
        {"municipality_code": code, "juminhyo_code": m.juminhyo_code, "koseki_id": k.id}  # type: ignore[attr-defined]
        for k in extract.rows("koseki")
        for m in k.members  # type: ignore[attr-defined]
        if m.juminhyo_code
    ]
    return [
        (BclHousehold, [_dump(r, municipality_code=code) for r in extract.rows("households")]),
        (BclPerson, [_dump(r) for r in extract.rows("residents")]),
        (BclSealRegistration, [_dump(r, municipality_code=code) for r in extract.rows("seals")]),
        (
            BclTaxAssessment,
            [
                {
                    **_dump(r, municipality_code=code),
                    **r.model_dump(mode="json", include=set(amounts)),
                }
                for r in extract.rows("tax_assessments")
            ],
        ),
        (
            BclKoseki,
            [
                {
                    **_dump(r, municipality_code=code),
                    "members": r.model_dump(mode="json")["members"],
                }
                for r in extract.rows("koseki")
            ],
        ),
        (BclKosekiMembership, memberships),
        (
            BclFuhyo,
            [
                {
                    **_dump(r, municipality_code=code),
                    "entries": r.model_dump(mode="json")["entries"],
                }
                for r in extract.rows("fuhyo")
            ],
        ),
    ]


def replace_records(uow: UnitOfWork, extract: Extract, progress: Progress = lambda n: None) -> int:
    """Replace the municipality's data in one transaction; residents only if the file has them.

    Nothing is committed unless every row went in: a failure leaves the data in use as it was.
    """
    with_residents = bool(extract.rows("households") or extract.rows("residents"))
    try:
        _delete_municipality(uow, extract.municipality_code, with_residents)
        for table, rows in _row_sets(extract):
            _insert(uow, table, rows, progress)
        uow.commit()
    except Exception:
        uow.rollback()
        raise
    return extract.row_count


def _index_check(uow: UnitOfWork, extract: Extract) -> list[Problem]:
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
            i + 1,
            "juminhyo_code",
            "NOT_IN_RESIDENT_INDEX",
            "not registered in this municipality in the national resident index",
        )
        for i, r in enumerate(extract.rows("residents"))
        if r.juminhyo_code not in indexed  # type: ignore[attr-defined]
    ]


def import_extract(
    uow: UnitOfWork,
    municipality_code: str,
    data: dict[str, Any],
    progress: Progress = lambda n: None,
) -> int:
    """Validate ``data`` completely, then replace the municipality's BCL data in one transaction."""
    from municipalities.model import BackendKind, Municipality

    named = data.get("municipality_code", municipality_code)
    if named != municipality_code:
        raise ExtractRejectedError(
            [Problem("-", 0, "municipality_code", "WRONG_MUNICIPALITY", str(named))]
        )
    municipality = uow.session.get(Municipality, municipality_code)
    if municipality is None or municipality.backend_kind is not BackendKind.BCL:
        raise ExtractRejectedError(
            [Problem("-", 0, "municipality_code", "NOT_A_BCL_MEMBER", municipality_code)]
        )
    extract = validate_extract({**data, "municipality_code": municipality_code})
    mismatches = _index_check(uow, extract)
    if mismatches:
        raise ExtractRejectedError(mismatches)
    return replace_records(uow, extract, progress)

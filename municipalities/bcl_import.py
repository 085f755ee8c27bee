"""BCL extract import: validate the whole file, then replace the sections it gives at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from issuance.unit_of_work import SqlUnitOfWork
from municipalities.bcl_checks import cross_check, database_check
from municipalities.bcl_file import read_extract_file
from municipalities.bcl_problems import ExtractRejectedError, ImportFailedError, Problem
from municipalities.bcl_rows import ERROR_CODES, SECTIONS, Row
from municipalities.bcl_sections import (
    Progress,
    count_rows,
    delete_section,
    insert_rows,
    section_rows,
)

__all__ = [
    "Extract",
    "ExtractRejectedError",
    "ImportFailedError",
    "ImportReport",
    "Problem",
    "SectionCount",
    "import_extract",
    "read_extract_file",
    "replace_records",
    "validate_extract",
]
# Replaced together: residents point at their households.
PAIRED = ("households", "residents")
FILE_KEYS = {"municipality_code", "format", "replace"}


@dataclass
class Extract:
    """A validated extract: the rows of each section it gives, and the sections it replaces.

    A section given (even as an empty list) or named in ``replace`` is replaced by exactly
    its rows; a section absent from the file is kept as it is (docs/bcl-format.md).
    """

    municipality_code: str
    sections: dict[str, list[Row]] = field(default_factory=dict)
    replaced: frozenset[str] = frozenset()

    def rows(self, section: str) -> list[Row]:
        return self.sections.get(section, [])

    def replaces(self, section: str) -> bool:
        return section in self.replaced

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.sections.values())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extract:
        return validate_extract(data)


@dataclass(frozen=True)
class SectionCount:
    """One section's rows for the municipality before and after the import."""

    section: str
    before: int
    after: int
    replaced: bool


@dataclass(frozen=True)
class ImportReport:
    municipality_code: str
    rows_written: int
    sections: tuple[SectionCount, ...]


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


def _replace_list(data: dict[str, Any]) -> tuple[set[str], list[Problem]]:
    named = data.get("replace", [])
    if not isinstance(named, list) or not all(isinstance(n, str) for n in named):
        return set(), [Problem("-", 0, "replace", "NOT_A_LIST", "a list of section names")]
    unknown = [Problem("-", 0, "replace", "UNKNOWN_SECTION", n) for n in named if n not in SECTIONS]
    return set(named) & set(SECTIONS), unknown


def validate_extract(data: dict[str, Any]) -> Extract:
    """Every row of every given section checked, then the file's own cross-references.

    ``data`` is the extract as read (``read_extract_file``). Returns the Extract; raises
    ExtractRejectedError listing every problem (docs/bcl-format.md: the error report).
    """
    problems: list[Problem] = []
    sections: dict[str, list[Row]] = {}
    for name, model in SECTIONS.items():
        if name not in data:
            continue  # absent: kept as it is
        if not isinstance(data[name], list):
            problems.append(Problem(name, 0, "-", "NOT_A_LIST", "give [] to empty a section"))
            continue
        sections[name] = []
        for index, raw in enumerate(data[name]):
            try:
                sections[name].append(model.model_validate(raw))
            except ValidationError as exc:
                problems.extend(_problems(name, index, exc))
    named, bad = _replace_list(data)
    replaced = set(sections) | named
    problems += bad + [
        Problem(n, 0, "-", "UNKNOWN_SECTION", "")
        for n in sorted(set(data) - set(SECTIONS) - FILE_KEYS)
    ]
    if len(replaced & set(PAIRED)) == 1:
        missing = (set(PAIRED) - replaced).pop()
        message = "households and residents are replaced together: give both"
        problems.append(Problem(missing, 0, "-", "MISSING_SECTION", message))
    extract = Extract(str(data.get("municipality_code", "")), sections, frozenset(replaced))
    problems += cross_check(extract) if not problems else []
    if problems:
        raise ExtractRejectedError(problems)
    return extract


def _replace(uow: SqlUnitOfWork, extract: Extract, progress: Progress) -> ImportReport:
    code = extract.municipality_code
    before = {s: count_rows(uow, code, s) for s in SECTIONS}
    ordered = [s for s in SECTIONS if extract.replaces(s)]
    for section in reversed(ordered):  # dependants first: residents before households
        delete_section(uow, code, section)
    for section in ordered:
        for table, rows in section_rows(code, section, extract.rows(section)):
            insert_rows(uow, table, rows, progress)
    counts = tuple(
        SectionCount(s, before[s], count_rows(uow, code, s), extract.replaces(s)) for s in SECTIONS
    )
    return ImportReport(code, extract.row_count, counts)


def _failed(exc: SQLAlchemyError) -> ImportFailedError:
    """The database's refusal named by its kind only: its message may quote a resident."""
    return ImportFailedError(type(getattr(exc, "orig", None) or exc).__name__)


def replace_records(
    uow: SqlUnitOfWork, extract: Extract, progress: Progress = lambda n: None
) -> ImportReport:
    """Replace the sections the extract replaces, in one transaction; keep the others.

    Nothing is committed unless every row went in: a failure leaves the data in use as it was.
    Raises ImportFailedError when the database refuses (its reason names the error class only).
    """
    try:
        report = _replace(uow, extract, progress)
        uow.commit()
    except SQLAlchemyError as exc:
        uow.rollback()
        raise _failed(exc) from exc
    except Exception:
        uow.rollback()
        raise
    return report


@contextmanager
def _database_refusals() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise _failed(exc) from exc


def import_extract(
    uow: SqlUnitOfWork,
    municipality_code: str,
    data: dict[str, Any],
    progress: Progress = lambda n: None,
) -> ImportReport:
    """Validate ``data`` completely, check it against the data in use, then replace the
    sections it gives in one transaction. Raises ExtractRejectedError with every problem
    (nothing changed), or ImportFailedError if the database still refuses (nothing changed).
    """
    from municipalities.model import BackendKind, Municipality

    named = data.get("municipality_code", municipality_code)
    if named != municipality_code:
        raise ExtractRejectedError(
            [Problem("-", 0, "municipality_code", "WRONG_MUNICIPALITY", str(named))]
        )
    with _database_refusals():
        municipality = uow.session.get(Municipality, municipality_code)
        if municipality is None or municipality.backend_kind is not BackendKind.BCL:
            raise ExtractRejectedError(
                [Problem("-", 0, "municipality_code", "NOT_A_BCL_MEMBER", municipality_code)]
            )
        extract = validate_extract({**data, "municipality_code": municipality_code})
        problems = database_check(uow, extract)
        if problems:
            raise ExtractRejectedError(problems)
        return replace_records(uow, extract, progress)

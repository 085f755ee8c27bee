"""Tariffs from a CSV file, validated whole first: a bad file changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import date

from billing.tariffs import (
    COMMISSION,
    CONTRIBUTION,
    COUNTER_FEE,
    JPKI_CHECK,
    KIOSK_FEE,
    OWN_COST_INITIAL,
    OWN_COST_YEARLY,
    PARTICIPATION,
    TariffRow,
    add_tariff,
)
from issuance.errors import KofuError
from issuance.unit_of_work import SqlUnitOfWork

TARIFF_FIELDS = (
    "tariff",
    "subject",
    "certificate_kind",
    "amount",
    "valid_from",
    "valid_until",
    "amortise_years",
    "note",
)
REQUIRED = ("tariff", "amount", "valid_from")
KNOWN = (
    KIOSK_FEE,
    COUNTER_FEE,
    COMMISSION,
    CONTRIBUTION,
    PARTICIPATION,
    JPKI_CHECK,
    OWN_COST_INITIAL,
    OWN_COST_YEARLY,
)


class TariffFileError(KofuError):
    code = "TARIFF_FILE_INVALID"
    message_ja = "料金表のファイルが正しくありません。何も登録していません。"
    message_en = "The tariff file is invalid; nothing was loaded."


def _date(text: str, column: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} must be a date (YYYY-MM-DD), not {text!r}") from None


def _int(text: str, column: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{column} must be a whole number, not {text!r}") from None
    if value < least:
        raise ValueError(f"{column} must be at least {least}")
    return value


def parse_row(row: dict[str, str]) -> tuple[TariffRow, str]:
    """One CSV row as a tariff and its note; ValueError says what is wrong with it."""
    cell = {k: (row.get(k) or "").strip() for k in TARIFF_FIELDS}
    missing = [k for k in REQUIRED if not cell[k]]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if cell["tariff"] not in KNOWN:
        raise ValueError(f"unknown tariff {cell['tariff']!r} (one of {', '.join(KNOWN)})")
    start = _date(cell["valid_from"], "valid_from")
    until = _date(cell["valid_until"], "valid_until") if cell["valid_until"] else None
    if until is not None and until <= start:
        raise ValueError("valid_until must come after valid_from")
    years = _int(cell["amortise_years"], "amortise_years", 1) if cell["amortise_years"] else None
    tariff = TariffRow(
        cell["tariff"],
        cell["subject"] or "*",
        cell["certificate_kind"] or "*",
        _int(cell["amount"], "amount", 0),
        start,
        until,
        years,
    )
    return tariff, cell["note"][:200]


def parse_tariffs(text: str) -> list[tuple[TariffRow, str]]:
    """Every row of the file, or TariffFileError listing every bad row (by line number)."""
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or ())
    if set(REQUIRED) - header:
        raise TariffFileError(
            message_en=f"columns must include {', '.join(REQUIRED)} (of {', '.join(TARIFF_FIELDS)})"
        )
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        try:
            rows.append(parse_row(row))
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise TariffFileError(message_en="; ".join(problems), problems=problems)
    if not rows:
        raise TariffFileError(message_en="the file has no tariff rows")
    return rows


def load_tariff_file(uow: SqlUnitOfWork, text: str, source: str) -> int:
    """Add every row of a valid file in one transaction; returns how many. Commits."""
    rows = parse_tariffs(text)
    for tariff, note in rows:
        add_tariff(uow, tariff, note or f"loaded from {source}"[:200])
    uow.commit()
    return len(rows)

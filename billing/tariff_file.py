"""Tariffs from a CSV file, validated whole first: a bad file changes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from billing.tariffs import (
    COMMISSION,
    CONTRIBUTION,
    COUNTER_FEE,
    HUB_COST_PER_ISSUE,
    HUB_COST_YEARLY,
    JPKI_CHECK,
    KIOSK_FEE,
    OWN_COST_INITIAL,
    OWN_COST_YEARLY,
    PARTICIPATION,
    TariffRow,
    add_tariff,
)
from issuance.errors import KofuError
from issuance.excel_text import decode_excel_text
from issuance.model import CertificateKind
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
    "above_limit",  # yes: the amount may go above its plausible limit (tariff_checks.LIMITS)
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
    HUB_COST_YEARLY,
    HUB_COST_PER_ISSUE,
)
KINDS = frozenset({"*", *(kind.value for kind in CertificateKind)})


@dataclass(frozen=True)
class TariffProblem:
    """One problem of a tariff file: its line (1 is the header), column and a stable code.

    Never the cell's value: a report names where and what, so it can be shown and kept.
    """

    line: int
    field: str
    code: str  # MISSING, UNKNOWN_TARIFF, UNKNOWN_KIND, NOT_A_DATE, NOT_A_NUMBER, TOO_SMALL,
    # ENDS_BEFORE_START, MISSING_COLUMN, NOT_READABLE, NO_ROWS

    def __str__(self) -> str:
        """English, then Japanese: ``line 3: subject: … — 3行目 subject: …`` (a clerk reads
        the second half; the code names the column as the file's header does)."""
        ja, en = PROBLEM_TEXT[self.code]
        return f"line {self.line}: {self.field}: {en} — {self.line}行目 {self.field}: {ja}"


PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "MISSING": ("値がありません", "missing"),
    "UNKNOWN_TARIFF": ("料金の種類が一覧にありません", f"not one of {', '.join(KNOWN)}"),
    "UNKNOWN_KIND": ("証明書の種類が一覧にありません", "not a certificate kind (or *)"),
    "NOT_A_DATE": ("日付（YYYY-MM-DD）ではありません", "not a date (YYYY-MM-DD)"),
    "NOT_A_NUMBER": ("整数ではありません", "not a whole number"),
    "TOO_SMALL": ("小さすぎます", "too small"),
    "ENDS_BEFORE_START": ("適用開始日より後にしてください", "must come after valid_from"),
    "MISSING_COLUMN": ("必要な列がありません", "required column missing"),
    "NOT_READABLE": (
        "文字コードを読めません（UTF-8かShift_JISで保存してください）",
        "not readable (save as UTF-8 or Shift_JIS)",
    ),
    "NO_ROWS": ("料金の行がありません", "the file has no tariff rows"),
    "NOT_YES_OR_NO": ("yes か no（空欄は no）にしてください", "must be yes or no (empty: no)"),
    "UNKNOWN_OPERATOR": ("登録されていない交付事業者です", "not a registered kiosk operator"),
    "UNKNOWN_MUNICIPALITY": ("登録されていない団体コードです", "not a known municipality code"),
    "UNKNOWN_SUBJECT": (
        "団体区分（designated_city_1m, designated_city, city_150k, city, town_village）"
        "か団体コードではありません",
        "not a contribution class (designated_city_1m, designated_city, city_150k, city, "
        "town_village) or a municipality code",
    ),
    "SUBJECT_NOT_ALLOWED": (
        "この料金は対象を指定できません（* にしてください）",
        "this tariff applies to everyone: use *",
    ),
    "SUBJECT_REQUIRED": ("団体コードを指定してください", "needs a municipality code"),
    "SUBJECT_MUST_BE_HUB": (
        "運営主体の経費です。対象は hub にしてください",
        "the hub's own cost: the subject must be hub",
    ),
    "ABOVE_LIMIT": (
        "上限を超えています（意図した金額なら above_limit 列に yes）",
        "above its plausible limit (if meant, put yes in the above_limit column)",
    ),
    "DUPLICATE_START": (
        "同じ料金・対象・種類・適用開始日の行がほかにもあります",
        "another row prices the same thing from the same day",
    ),
    "ALREADY_SCHEDULED": (
        "同じ料金・対象・種類・適用開始日の料金が登録済みです",
        "a tariff for the same thing from the same day is already stored",
    ),
}


class TariffFileError(KofuError):
    code = "TARIFF_FILE_INVALID"
    message_ja = "料金表のファイルが正しくありません。何も登録していません。"
    message_en = "The tariff file is invalid; nothing was loaded."


def invalid(problems: list[TariffProblem]) -> TariffFileError:
    """The refusal of a whole file: ``report`` (TariffProblem) and ``problems`` (text)."""
    return TariffFileError(
        message_en="; ".join(str(p) for p in problems),
        problems=[str(p) for p in problems],
        report=problems,
    )


def _date(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return "NOT_A_DATE"


def _int(text: str, least: int) -> int | str:
    if not (text.isascii() and text.lstrip("-").isdigit()):
        return "NOT_A_NUMBER"
    value = int(text)
    return value if value >= least else "TOO_SMALL"


def parse_row(
    row: dict[str, str | None], line: int
) -> tuple[TariffRow, str, bool] | list[TariffProblem]:
    """One CSV row as a tariff, its note and whether it may go above its limit, or every
    problem of the row."""
    cell = {k: (row.get(k) or "").strip() for k in TARIFF_FIELDS}
    found: dict[str, object] = {}
    problems = [TariffProblem(line, k, "MISSING") for k in REQUIRED if not cell[k]]
    if cell["above_limit"].lower() not in ("", "yes", "no"):
        problems.append(TariffProblem(line, "above_limit", "NOT_YES_OR_NO"))
    if cell["tariff"] and cell["tariff"] not in KNOWN:
        problems.append(TariffProblem(line, "tariff", "UNKNOWN_TARIFF"))
    kind = cell["certificate_kind"] or "*"
    if kind not in KINDS:
        problems.append(TariffProblem(line, "certificate_kind", "UNKNOWN_KIND"))
    checks: list[tuple[str, object]] = [
        ("amount", _int(cell["amount"], 0) if cell["amount"] else None),
        ("valid_from", _date(cell["valid_from"]) if cell["valid_from"] else None),
        ("valid_until", _date(cell["valid_until"]) if cell["valid_until"] else None),
        ("amortise_years", _int(cell["amortise_years"], 1) if cell["amortise_years"] else None),
    ]
    for name, value in checks:
        if isinstance(value, str):
            problems.append(TariffProblem(line, name, value))
        else:
            found[name] = value
    start, until = found.get("valid_from"), found.get("valid_until")
    if isinstance(start, date) and isinstance(until, date) and until <= start:
        problems.append(TariffProblem(line, "valid_until", "ENDS_BEFORE_START"))
    if problems:
        return problems
    tariff = TariffRow(
        cell["tariff"],
        cell["subject"] or "*",
        kind,
        int(found["amount"]),  # type: ignore[call-overload]
        start,  # type: ignore[arg-type]
        until,  # type: ignore[arg-type]
        found.get("amortise_years"),  # type: ignore[arg-type]
    )
    return tariff, cell["note"][:200], cell["above_limit"].lower() == "yes"


def parse_tariffs(text: str) -> list[tuple[TariffRow, str, bool]]:
    """Every row of the file, or TariffFileError with every problem (see ``invalid``)."""
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or ())
    missing = [TariffProblem(1, k, "MISSING_COLUMN") for k in REQUIRED if k not in header]
    if missing:
        raise invalid(missing)
    rows: list[tuple[TariffRow, str, bool]] = []
    problems: list[TariffProblem] = []
    for line, row in enumerate(reader, start=2):
        parsed = parse_row(row, line)
        if isinstance(parsed, list):
            problems += parsed
        else:
            rows.append(parsed)
    if problems:
        raise invalid(problems)
    if not rows:
        raise invalid([TariffProblem(1, "-", "NO_ROWS")])
    return rows


def parse_tariff_bytes(data: bytes) -> list[tuple[TariffRow, str, bool]]:
    """``parse_tariffs`` of a file as uploaded: UTF-8 (BOM or not) or CP932 (Excel)."""
    text = decode_excel_text(data)
    if text is None:
        raise invalid([TariffProblem(1, "-", "NOT_READABLE")])
    return parse_tariffs(text)


def load_tariff_file(uow: SqlUnitOfWork, text: str, source: str) -> int:
    """Add every row of a file validated whole, in one transaction; returns how many.
    Commits; TariffFileError (nothing written) for any problem."""
    return add_tariff_rows(uow, [(row, note) for row, note, _ in parse_tariffs(text)], source)


def add_tariff_rows(uow: SqlUnitOfWork, rows: list[tuple[TariffRow, str]], source: str) -> int:
    """Add rows already validated (``parse_tariffs``) in one transaction. Commits."""
    for tariff, note in rows:
        add_tariff(uow, tariff, note or f"loaded from {source}"[:200])
    uow.commit()
    return len(rows)

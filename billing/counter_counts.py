"""Counter counts (窓口交付件数) from a municipality's CSV file: validated whole, then recorded.

A file comes from Excel: UTF-8 with or without BOM, or CP932. Every row is checked before
anything is written; the report names row, field and problem (a stable code), never the value.
A count already known and changed is appended as the difference (the history is kept).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from billing.model import CounterCount
from issuance.codes import validate_municipality_code
from issuance.errors import KofuError
from issuance.model import KIND_LABELS, CertificateKind
from issuance.unit_of_work import SqlUnitOfWork

# One municipality's certificates of one kind in one month: above any city's counter (bounds).
COUNT_LIMIT = 1_000_000
EARLIEST_YEAR = 2010  # the service began in 2010
MAX_ROWS = 2_000
# Column names as clerks write them, to the field each one fills.
HEADERS = {
    "municipality_code": "municipality_code",
    "団体コード": "municipality_code",
    "month": "month",
    "年月": "month",
    "kind": "kind",
    "certificate_kind": "kind",
    "証明書の種類": "kind",
    "count": "count",
    "件数": "count",
}
REQUIRED = ("month", "kind", "count")
_MONTH = re.compile(r"^(\d{4})[-/年](\d{1,2})(?:月|[-/]\d{1,2})?$")
_KINDS = {k.value: k.value for k in CertificateKind} | {
    ja: k.value for k, (ja, _en) in KIND_LABELS.items()
}

# code: (Japanese, English) — what is wrong, never the value itself.
PROBLEMS: dict[str, tuple[str, str]] = {
    "ENCODING": (
        "文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）",
        "Unreadable encoding (save as UTF-8 or Shift_JIS)",
    ),
    "EMPTY": ("データの行がありません", "The file has no data rows"),
    "TOO_MANY_ROWS": (
        f"行数が多すぎます（{MAX_ROWS:,}行まで）",
        f"Too many rows (at most {MAX_ROWS:,})",
    ),
    "COLUMN_MISSING": ("必要な列がありません", "A required column is missing"),
    "COLUMN_REPEATED": ("同じ列が2回あります", "A column appears twice"),
    "FIELD_COUNT": (
        '列の数が見出しと合いません（1,200 のような数は "" で囲むか、カンマを'
        "付けずに入力してください）",
        "The row has more or fewer fields than the header (write 1,200 in quotes, "
        "or without the comma)",
    ),
    "REQUIRED": ("値がありません", "The value is missing"),
    "MONTH_INVALID": ("年月は 2026-04 の形で入力してください", "Write the month as 2026-04"),
    "MONTH_OUT_OF_RANGE": (
        "年月が範囲外です（2010年から今月まで）",
        "The month is out of range (2010 to this month)",
    ),
    "KIND_UNKNOWN": ("証明書の種類が分かりません", "Unknown certificate kind"),
    "COUNT_INVALID": (
        "件数は0以上の整数で入力してください",
        "The count must be a whole number ≥ 0",
    ),
    "COUNT_TOO_LARGE": (
        f"件数が大きすぎます（{COUNT_LIMIT:,}件まで）",
        f"The count is too large (at most {COUNT_LIMIT:,})",
    ),
    "MUNICIPALITY_INVALID": ("団体コードが正しくありません", "Invalid municipality code"),
    "MUNICIPALITY_NOT_YOURS": ("他の団体のコードです", "The code of another municipality"),
    "DUPLICATE": ("同じ年月・種類の行がすでにあります", "The same month and kind appear earlier"),
}


@dataclass(frozen=True)
class Problem:
    """Row (1 = the header line), field (column name as in the file, or "") and code."""

    row: int
    field: str
    code: str

    def message(self, english: bool = False) -> str:
        ja, en = PROBLEMS[self.code]
        return en if english else ja


class CounterCountError(KofuError):
    """The file is invalid; ``problems`` lists every one found. Nothing was recorded."""

    code = "COUNTER_COUNT_INVALID"
    message_ja = "窓口交付件数のファイルに誤りがあります。何も登録していません。"
    message_en = "The counter-count file has errors; nothing was recorded."

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        detail = "; ".join(f"row {p.row} {p.field}: {p.code}" for p in problems[:20])
        super().__init__(message_en=f"{self.message_en} {detail}".strip())


Key = tuple[str, str, str]  # (municipality code, YYYY-MM, certificate kind)


def decode_file(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (a BOM dropped), else CP932; CounterCountError.

    UTF-16 (Excel's "Unicode text") and other binary files are refused, not misread."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise CounterCountError([Problem(0, "", "ENCODING")])
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CounterCountError([Problem(0, "", "ENCODING")])


def _month(text: str, now: datetime) -> tuple[str | None, str | None]:
    found = _MONTH.match(text)
    if not found:
        return None, "MONTH_INVALID"
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12:
        return None, "MONTH_INVALID"
    if year < EARLIEST_YEAR or (year, month) > (now.year, now.month):
        return None, "MONTH_OUT_OF_RANGE"
    return f"{year:04d}-{month:02d}", None


def _count(text: str) -> tuple[int | None, str | None]:
    digits = text.replace(",", "").replace("¥", "").strip()  # "1,200" quoted, as Excel writes
    if not digits.isdigit() or not digits.isascii():
        return None, "COUNT_INVALID"
    value = int(digits)
    return (value, None) if value <= COUNT_LIMIT else (None, "COUNT_TOO_LARGE")


def _header(
    names: list[str], municipality_code: str | None
) -> tuple[dict[str, int], list[Problem]]:
    columns: dict[str, int] = {}
    problems = []
    for index, name in enumerate(names):
        field = HEADERS.get(unicodedata.normalize("NFKC", name).strip().lower())
        if field in columns:
            problems.append(Problem(1, field, "COLUMN_REPEATED"))
        elif field:
            columns[field] = index
    needed = REQUIRED if municipality_code else ("municipality_code", *REQUIRED)
    problems += [Problem(1, f, "COLUMN_MISSING") for f in needed if f not in columns]
    return columns, problems


def _row(
    line: int, cells: list[str], columns: dict[str, int], own: str | None, now: datetime
) -> tuple[Key | None, int | None, list[Problem]]:
    cell = {f: unicodedata.normalize("NFKC", cells[i]).strip() for f, i in columns.items()}
    problems = [Problem(line, f, "REQUIRED") for f in REQUIRED if not cell[f]]
    code = cell.get("municipality_code") or own or ""
    if own is None and not code:
        problems.append(Problem(line, "municipality_code", "REQUIRED"))
    if cell.get("municipality_code"):
        try:
            validate_municipality_code(code)
        except KofuError:
            problems.append(Problem(line, "municipality_code", "MUNICIPALITY_INVALID"))
        else:
            if own is not None and code != own:
                problems.append(Problem(line, "municipality_code", "MUNICIPALITY_NOT_YOURS"))
    month, month_problem = _month(cell["month"], now) if cell["month"] else (None, None)
    kind = _KINDS.get(cell["kind"]) if cell["kind"] else None
    count, count_problem = _count(cell["count"]) if cell["count"] else (None, None)
    problems += [Problem(line, "month", month_problem)] if month_problem else []
    problems += [Problem(line, "kind", "KIND_UNKNOWN")] if cell["kind"] and not kind else []
    problems += [Problem(line, "count", count_problem)] if count_problem else []
    if problems or month is None or kind is None or count is None:
        return None, None, problems
    return (code, month, kind), count, []


def parse_counter_counts(
    text: str, now: datetime, municipality_code: str | None = None
) -> dict[Key, int]:
    """The file's counts by (code, month, kind), or CounterCountError listing every problem.

    With ``municipality_code`` (a portal upload) the file needs only month, kind, count and
    any municipality_code column must name that municipality. Month is YYYY-MM (2026/4 too)
    and not after ``now``'s month; kind a code or its Japanese name; count 0 to COUNT_LIMIT.
    """
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise CounterCountError([Problem(1, "", "EMPTY")])
    columns, problems = _header(rows[0], municipality_code)
    if problems:
        raise CounterCountError(problems)
    if len(rows) == 1:
        raise CounterCountError([Problem(2, "", "EMPTY")])
    if len(rows) > MAX_ROWS + 1:
        raise CounterCountError([Problem(MAX_ROWS + 2, "", "TOO_MANY_ROWS")])
    counts: dict[Key, int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if len(cells) != len(rows[0]):
            problems.append(Problem(line, "", "FIELD_COUNT"))
            continue
        key, count, found = _row(line, cells, columns, municipality_code, now)
        if key is not None and key in counts:
            found.append(Problem(line, "month", "DUPLICATE"))
        problems += found
        if key is not None and count is not None:
            counts[key] = count
    if problems:
        raise CounterCountError(problems)
    return counts


@dataclass(frozen=True)
class CountChange:
    key: Key
    old: int | None  # None: not known before
    new: int


def known_counts(uow: SqlUnitOfWork, codes: Iterable[str]) -> dict[Key, int]:
    """The counts recorded so far (sum of each key's rows) for municipalities ``codes``."""
    rows = uow.session.execute(
        select(
            CounterCount.municipality_code,
            CounterCount.month,
            CounterCount.certificate_kind,
            func.sum(CounterCount.count),
        )
        .where(CounterCount.municipality_code.in_(set(codes)))
        .group_by(CounterCount.municipality_code, CounterCount.month, CounterCount.certificate_kind)
    )
    return {(code, month, kind): int(total) for code, month, kind, total in rows}


def record_counter_counts(
    uow: SqlUnitOfWork, counts: dict[Key, int], source: str, now: datetime
) -> list[CountChange]:
    """Append each new or changed count (as the difference); returns the changes, in file
    order (empty when the file repeats what is known). Does not commit."""
    known = known_counts(uow, {key[0] for key in counts})
    changes = []
    for key, count in counts.items():
        before = known.get(key)
        if count == (before or 0) and before is not None:
            continue
        code, month, kind = key
        uow.session.add(
            CounterCount(
                municipality_code=code,
                month=month,
                certificate_kind=kind,
                count=count - (before or 0),
                source=source[:200],
                uploaded_at=now,
            )
        )
        changes.append(CountChange(key, before, count))
    return changes

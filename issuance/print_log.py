"""The kiosk operator's print log (印刷記録), read whole and checked before anything changes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from issuance.calendar import JST
from issuance.errors import KofuError
from issuance.excel_text import decode_excel_text

COLUMNS = ("kiosk_id", "serial", "result", "printed_at")
RESULTS = {"printed": True, "not_printed": False}

PROBLEMS: dict[str, tuple[str, str]] = {
    "NOT_READABLE": ("文字コードを判別できません", "not UTF-8 or CP932"),
    "MISSING_COLUMN": ("必要な列がありません", "a required column is missing"),
    "UNKNOWN_COLUMN": ("不明な列です", "unknown column"),
    "EMPTY": ("値がありません", "empty value"),
    "BAD_RESULT": ("printed か not_printed を指定してください", "result is printed or not_printed"),
    "BAD_TIME": ("日時の形式が不正です", "not an ISO 8601 date and time"),
    "DUPLICATE": ("同じ番号が異なる結果で重複しています", "the same serial with another result"),
    "UNKNOWN_SERIAL": ("この番号の証明書はありません", "no document has this serial"),
    "OTHER_KIOSK": ("別の端末で受け取られた証明書です", "downloaded by another kiosk"),
    "OTHER_OPERATOR": ("この事業者の端末ではありません", "the kiosk is not this operator's"),
    "NOT_DELIVERED": ("端末に渡っていない証明書です", "the document never reached a kiosk"),
    "CONFLICT": ("記録済みの結果と異なります", "another result is already recorded"),
    "TIME_OUT_OF_RANGE": (
        "印刷日時が受け取り前か未来です",
        "printed before the download or in the future",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One problem of a print log: its row (from 1 after the header; 0 for the file)."""

    row: int
    field: str
    code: str

    def line(self) -> str:
        ja, en = PROBLEMS[self.code]
        return f"print log row {self.row} {self.field}: {self.code} {ja} / {en}"


class PrintLogRejectedError(KofuError):
    """The print log has problems; nothing was settled. ``problems`` lists every one."""

    code = "PRINT_LOG_REJECTED"
    message_ja = "印刷記録に誤りがあるため、照合しませんでした。"
    message_en = "The print log has errors; nothing was reconciled."

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems=len(problems))
        self.problems = sorted(problems, key=lambda p: (p.row, p.field))


@dataclass(frozen=True)
class PrintLogEntry:
    row: int
    kiosk_id: str
    serial: str
    printed: bool
    printed_at: datetime | None  # required when printed


def _decode(data: bytes) -> str:
    text = decode_excel_text(data)
    if text is None:
        raise PrintLogRejectedError([Problem(0, "-", "NOT_READABLE")])
    return text


def _time(value: str) -> datetime | None:
    """ISO 8601; a time without an offset is Japan time (the store's clock)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment


def _entry(number: int, row: dict[str, str]) -> PrintLogEntry | list[Problem]:
    problems = [Problem(number, c, "EMPTY") for c in COLUMNS[:3] if not row.get(c, "").strip()]
    result = row.get("result", "").strip()
    if result and result not in RESULTS:
        problems.append(Problem(number, "result", "BAD_RESULT"))
    text = row.get("printed_at", "").strip()
    at = _time(text) if text else None
    if text and at is None:
        problems.append(Problem(number, "printed_at", "BAD_TIME"))
    elif not text and RESULTS.get(result):
        problems.append(Problem(number, "printed_at", "EMPTY"))
    if problems:
        return problems
    kiosk, serial = row["kiosk_id"].strip(), row["serial"].strip()
    return PrintLogEntry(number, kiosk, serial, RESULTS[result], at)


def read_print_log(data: bytes) -> list[PrintLogEntry]:
    """Every row of a print log CSV (header ``kiosk_id,serial,result,printed_at``), or
    PrintLogRejectedError with every problem found. A serial listed twice with the same
    result counts once; with another result it is a problem.
    """
    reader = csv.reader(io.StringIO(_decode(data)))
    header = [name.strip() for name in next(reader, [])]
    while header and not header[-1]:
        header.pop()  # empty trailing columns, as spreadsheets leave them
    problems = [Problem(0, name or "-", "UNKNOWN_COLUMN") for name in header if name not in COLUMNS]
    problems += [Problem(0, name, "MISSING_COLUMN") for name in COLUMNS if name not in header]
    if problems:
        raise PrintLogRejectedError(problems)
    entries: dict[str, PrintLogEntry] = {}
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        parsed = _entry(number, dict(zip(header, cells, strict=False)))
        if isinstance(parsed, list):
            problems += parsed
            continue
        first = entries.setdefault(parsed.serial, parsed)
        if first.printed != parsed.printed or first.kiosk_id != parsed.kiosk_id:
            problems.append(Problem(number, "serial", "DUPLICATE"))
    if problems:
        raise PrintLogRejectedError(problems)
    return list(entries.values())


__all__ = ["PrintLogEntry", "PrintLogRejectedError", "Problem", "read_print_log"]

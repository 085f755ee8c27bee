"""The 異動 file that feeds the national resident index: read it, and check every row's fields."""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from issuance.codes import InvalidCodeError, validate_juminhyo_code, validate_municipality_code
from issuance.errors import KofuError
from issuance.excel_text import decode_excel_text
from issuance.index.idou_problems import PROBLEMS


class IdouKind(enum.StrEnum):
    BIRTH = "birth"  # 出生
    DEATH = "death"  # 死亡
    MOVE_IN = "move_in"  # 転入 (also from abroad)
    MOVE_OUT = "move_out"  # 転出: the 住民票 is removed; a move_in follows
    MOVED_ABROAD = "moved_abroad"  # 国外転出
    MOVING_OUT_FILED = "moving_out_filed"  # 転出届 filed
    MOVING_OUT_WITHDRAWN = "moving_out_withdrawn"  # 転出届 withdrawn (転出取消)
    DV_ON = "dv_on"  # DV等支援措置 begins
    DV_OFF = "dv_off"  # DV等支援措置 ends


# Each field and the code of a value that is not right for it.
FIELDS: dict[str, str] = {
    "idou_id": "BAD_ID",
    "juminhyo_code": "BAD_CODE",
    "kind": "BAD_KIND",
    "idou_date": "BAD_DATE",
    "municipality_code": "BAD_CODE",
    "birth_date": "BAD_DATE",
    "honseki_municipality_code": "BAD_CODE",
}
REQUIRED = ("idou_id", "juminhyo_code", "kind", "idou_date")
NEEDS = {
    IdouKind.BIRTH: ("municipality_code", "birth_date"),
    IdouKind.MOVE_IN: ("municipality_code",),
}
MAX_ID = 64
DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")  # ISO, or 2026/4/1 as Excel saves it
TOP_LEVEL = {"format", "idou"}


@dataclass(frozen=True)
class Problem:
    """One problem of a 異動 file: its row (from 1; 0 for the file or its header) and field."""

    row: int
    field: str
    code: str

    @property
    def message_ja(self) -> str:
        return PROBLEMS[self.code][0]

    @property
    def message_en(self) -> str:
        return PROBLEMS[self.code][1]

    def line(self) -> str:
        """The report line: ``idou row N FIELD: CODE 日本語 / English``."""
        return (
            f"idou row {self.row} {self.field}: {self.code} {self.message_ja} / {self.message_en}"
        )


class IdouRejectedError(KofuError):
    """The file has problems; nothing was applied. ``problems`` lists every one, by row."""

    code = "IDOU_FILE_REJECTED"
    message_ja = "異動ファイルに誤りがあるため、索引を更新しませんでした。"
    message_en = "The 異動 file has errors; the index was not changed."

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems=len(problems))
        order = list(FIELDS)
        self.problems = sorted(
            problems, key=lambda p: (p.row, order.index(p.field) if p.field in order else -1)
        )


@dataclass(frozen=True)
class Idou:
    """One well-formed 異動: what happened to whom, on which day (異動日)."""

    row: int
    idou_id: str
    juminhyo_code: str
    kind: IdouKind
    idou_date: date
    municipality_code: str | None = None
    birth_date: date | None = None
    honseki_municipality_code: str | None = None

    def digest(self) -> str:
        """What the 異動 says, not where it sits in the file: one id must always say the same."""
        content = [
            self.idou_id,
            self.juminhyo_code,
            self.kind.value,
            self.idou_date.isoformat(),
            self.municipality_code,
            self.birth_date.isoformat() if self.birth_date else None,
            self.honseki_municipality_code,
        ]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()


@dataclass
class IdouFile:
    """The well-formed rows of a file, and the problems of the others."""

    rows: list[Idou] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _UnreadableError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _parse(name: str, value: str, from_csv: bool) -> Any:
    """One field's value; raises ValueError or InvalidCodeError when it is not right."""
    if name == "idou_id":
        if len(value) > MAX_ID:
            raise ValueError(name)
        return value
    if name == "kind":
        return IdouKind(value)
    if name.endswith("_date"):
        match = DATE.match(value)
        if match is None:
            raise ValueError(name)
        return date(*(int(part) for part in match.groups()))
    length = 11 if name == "juminhyo_code" else 6
    if from_csv and value.isascii() and value.isdigit() and length - 2 <= len(value) < length:
        value = value.zfill(length)  # Excel drops a code's leading zeros; its check digit stays
    return validate_juminhyo_code(value) if length == 11 else validate_municipality_code(value)


def check_row(
    number: int, raw: dict[str, Any], today: date, from_csv: bool = False
) -> Idou | list[Problem]:
    """One row of the file: the well-formed 異動, or every problem of its fields.

    ``today`` is the JST date: no 異動 can be dated after it. Codes are checked with their
    check digits (issuance/codes.py). The format: docs/index-format.md.
    """
    problems = [Problem(number, name, "UNKNOWN_FIELD") for name in raw if name not in FIELDS]
    parsed: dict[str, Any] = {}
    present = set()
    for name, bad in FIELDS.items():
        value = raw.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        present.add(name)
        try:
            if not isinstance(value, str):
                raise ValueError(name)
            parsed[name] = _parse(name, value, from_csv)
        except (ValueError, InvalidCodeError):
            problems.append(Problem(number, name, bad))
    needed = REQUIRED + NEEDS.get(parsed.get("kind"), ())  # type: ignore[arg-type]
    problems += [Problem(number, name, "MISSING_FIELD") for name in needed if name not in present]
    for name in ("idou_date", "birth_date"):
        if name in parsed and parsed[name] > today:
            problems.append(Problem(number, name, "FUTURE_DATE"))
    born, moved = parsed.get("birth_date"), parsed.get("idou_date")
    if born is not None and moved is not None and born > moved:
        problems.append(Problem(number, "birth_date", "BIRTH_AFTER_IDOU"))
    return problems or Idou(row=number, **parsed)


def _decode(data: bytes) -> str:
    text = decode_excel_text(data)
    if text is None:
        raise _UnreadableError([Problem(0, "-", "NOT_READABLE")])
    return text


def _json_rows(text: str) -> list[tuple[int, Any]]:
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UnreadableError([Problem(0, "-", "NOT_READABLE")]) from exc
    if not isinstance(loaded, dict) or not isinstance(loaded.get("idou"), list):
        raise _UnreadableError([Problem(0, "-", "NOT_AN_IDOU_FILE")])
    unknown = [Problem(0, key, "UNKNOWN_FIELD") for key in loaded if key not in TOP_LEVEL]
    if unknown:
        raise _UnreadableError(unknown)
    return list(enumerate(loaded["idou"], start=1))


def _csv_rows(text: str) -> list[tuple[int, Any]]:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    while header and not header[-1]:
        header.pop()  # empty trailing columns, as spreadsheets leave them
    problems = [Problem(0, name or "-", "UNKNOWN_FIELD") for name in header if name not in FIELDS]
    problems += [Problem(0, name, "MISSING_COLUMN") for name in REQUIRED if name not in header]
    if problems:
        raise _UnreadableError(problems)
    rows: list[tuple[int, Any]] = []
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells
        row: dict[str, Any] = dict(zip(header, cells, strict=False))
        if any(cell.strip() for cell in cells[len(header) :]):
            row["-"] = "outside every column"
        rows.append((number, row))
    return rows


def read_idou(data: bytes, suffix: str, today: date) -> IdouFile:
    """A 異動 file's rows: JSON (``{"idou": [...]}``) or CSV with a header row.

    ``suffix`` is the file name's (``.json`` or ``.csv``; otherwise the content decides).
    CSV may be UTF-8 with or without a BOM, or CP932. Rows are numbered from 1 (for CSV, the
    line after the header). Nothing is raised: the problems are in the result.
    """
    try:
        text = _decode(data)
        as_csv = suffix.lower() == ".csv" or (
            suffix.lower() != ".json" and not text.lstrip().startswith("{")
        )
        raws = _csv_rows(text) if as_csv else _json_rows(text)
    except _UnreadableError as unreadable:
        return IdouFile(problems=unreadable.problems)
    result = IdouFile()
    seen: set[str] = set()
    for number, raw in raws:
        if not isinstance(raw, dict):
            result.problems.append(Problem(number, "-", "NOT_AN_OBJECT"))
            continue
        checked = check_row(number, raw, today, from_csv=as_csv)
        if isinstance(checked, list):
            result.problems += checked
        elif checked.idou_id in seen:
            result.problems.append(Problem(number, "idou_id", "DUPLICATE_ID"))
        else:
            seen.add(checked.idou_id)
            result.rows.append(checked)
    return result

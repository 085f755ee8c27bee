"""A 異動 file is read as written (JSON, or CSV as Excel saves it) and every bad field is named."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from issuance.codes import with_check_digit
from issuance.index.idou_file import IdouKind, read_idou

TODAY = date(2026, 11, 29)
CODE = with_check_digit("0123456789", "juminhyo")  # a leading zero, as Excel would drop it
SAPPORO = "011002"


def row(**changes: Any) -> dict[str, Any]:
    base = {
        "idou_id": "I-1",
        "juminhyo_code": CODE,
        "kind": "move_in",
        "idou_date": "2026-10-01",
        "municipality_code": SAPPORO,
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def as_json(*rows: dict[str, Any]) -> bytes:
    return json.dumps({"idou": list(rows)}, ensure_ascii=False).encode()


def problems(data: bytes, suffix: str = ".json") -> list[str]:
    return [f"{p.row} {p.field} {p.code}" for p in read_idou(data, suffix, TODAY).problems]


def test_a_good_json_row_is_read_with_its_dates_and_codes() -> None:
    read = read_idou(as_json(row(honseki_municipality_code="131016")), ".json", TODAY)
    assert read.problems == []
    (idou,) = read.rows
    assert (idou.kind, idou.idou_date, idou.municipality_code) == (
        IdouKind.MOVE_IN,
        date(2026, 10, 1),
        SAPPORO,
    )
    assert idou.honseki_municipality_code == "131016"


def test_every_bad_field_of_every_row_is_reported() -> None:
    data = as_json(
        row(juminhyo_code="01234567890"),  # wrong check digit
        row(idou_id="I-2", kind="emigrated"),
        row(idou_id="I-3", idou_date="2026-02-30", municipality_code=None),
        row(idou_id="I-4", kind="birth", municipality_code="131017"),
        row(idou_id="I-5", idou_date="2027-01-01", extra="x"),
        row(idou_id="I-1"),  # the first row's id again (that row is bad, this one is not)
        row(idou_id="I-6"),
        row(idou_id="I-6"),
    )
    assert problems(data) == [
        "1 juminhyo_code BAD_CODE",
        "2 kind BAD_KIND",
        "3 idou_date BAD_DATE",
        "3 municipality_code MISSING_FIELD",
        "4 municipality_code BAD_CODE",
        "4 birth_date MISSING_FIELD",
        "5 extra UNKNOWN_FIELD",
        "5 idou_date FUTURE_DATE",
        "8 idou_id DUPLICATE_ID",
    ]


def test_what_each_kind_needs_is_required() -> None:
    data = as_json(
        row(kind="move_in", municipality_code=None),
        row(idou_id="I-2", kind="birth", birth_date="2026-10-02"),
        row(idou_id="I-3", kind="death", municipality_code=None),
        row(idou_id="I-4", juminhyo_code=None, idou_date=None),
    )
    assert problems(data) == [
        "1 municipality_code MISSING_FIELD",
        "2 birth_date BIRTH_AFTER_IDOU",
        "4 juminhyo_code MISSING_FIELD",
        "4 idou_date MISSING_FIELD",
    ]


def test_json_must_be_an_object_with_an_idou_array() -> None:
    assert problems(b"[1, 2]") == ["0 - NOT_AN_IDOU_FILE"]
    assert problems(b"{not json") == ["0 - NOT_READABLE"]
    assert problems(json.dumps({"idou": [], "rows": []}).encode()) == ["0 rows UNKNOWN_FIELD"]
    assert problems(json.dumps({"idou": [1]}).encode()) == ["1 - NOT_AN_OBJECT"]
    assert problems(json.dumps({"idou": [row(juminhyo_code=1234)]}).encode()) == [
        "1 juminhyo_code BAD_CODE"
    ]


CSV = (
    "idou_id,juminhyo_code,kind,idou_date,municipality_code,birth_date\n"
    "I-1,{code},birth,2026/10/1,{municipality},2026/9/30\n"
    ",,,,,\n"
    "I-2,{code},dv_on,2026-10-02,,\n"
)


def excel_csv(encoding: str) -> bytes:
    """As Excel saves it: leading zeros dropped, dates as 2026/10/1, a row of empty cells."""
    text = CSV.format(code=CODE.lstrip("0"), municipality=SAPPORO.lstrip("0"))
    return text.replace("\n", "\r\n").encode(encoding)


def test_csv_is_read_in_utf8_with_or_without_bom_and_in_cp932() -> None:
    for data in (excel_csv("utf-8"), excel_csv("utf-8-sig"), excel_csv("cp932")):
        read = read_idou(data, ".csv", TODAY)
        assert read.problems == []
        assert [(r.row, r.kind, r.juminhyo_code) for r in read.rows] == [
            (1, IdouKind.BIRTH, CODE),
            (3, IdouKind.DV_ON, CODE),
        ]
        assert read.rows[0].municipality_code == SAPPORO
        assert read.rows[0].birth_date == date(2026, 9, 30)


def test_japanese_text_in_a_cp932_csv_is_read_and_reported_by_row() -> None:
    text = f"idou_id,juminhyo_code,kind,idou_date\n異動-1,{CODE},転入,2026-10-01\n"
    assert problems(text.encode("cp932"), ".csv") == ["1 kind BAD_KIND"]


def test_a_csv_header_must_have_the_required_columns_and_no_others() -> None:
    data = b"idou_id,juminhyo_code,kind,date\nI-1,x,birth,2026-10-01\n"
    assert problems(data, ".csv") == ["0 date UNKNOWN_FIELD", "0 idou_date MISSING_COLUMN"]


def test_a_file_neither_utf8_nor_cp932_is_not_readable() -> None:
    assert problems(b"idou_id\n\x81\x00\xff\xfe\n", ".csv") == ["0 - NOT_READABLE"]


def test_every_problem_says_what_is_wrong_in_japanese_and_english() -> None:
    (problem,) = read_idou(as_json(row(kind="x")), ".json", TODAY).problems
    line = problem.line()
    assert line.startswith("idou row 1 kind: BAD_KIND ")
    assert "異動の種別" in line and "kind of 異動" in line

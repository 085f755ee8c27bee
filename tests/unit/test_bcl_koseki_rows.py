"""A BCL extract's 戸籍 rows: typed 身分事項, lawful 続柄, and one current 戸籍 per person."""

from __future__ import annotations

from typing import Any

import pytest

from issuance.codes import with_check_digit
from issuance.koseki_layout import EVENT_ITEMS
from municipalities.bcl_import import ExtractRejectedError, validate_extract

TARO = with_check_digit("8000000001", "juminhyo")
WRONG_CHECK_DIGIT = TARO[:-1] + str((int(TARO[-1]) + 1) % 10)


def member(**fields: Any) -> dict[str, Any]:
    born = {"kind": "出生", "items": {"出生日": "1978-06-14", "出生地": "東京都千代田区"}}
    base = {
        "juminhyo_code": TARO,
        "name": "太郎",
        "name_kana": "タロウ",
        "birth_date": "1978-06-14",
    }
    return {**base, "sex": "男", "relationship": "長男", "events": [born], **fields}


def koseki(koseki_id: str, *members: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": koseki_id,
        "honseki": "東京都千代田区",
        "hittousha": "山田　太郎",
        "members": list(members),
    }


def problems(*registers: dict[str, Any]) -> list[str]:
    try:
        validate_extract({"municipality_code": "131016", "koseki": list(registers)})
    except ExtractRejectedError as rejected:
        return [f"{p.section} row {p.row} {p.field}: {p.code}" for p in rejected.problems]
    return []


def test_a_person_removed_from_the_parents_koseki_may_be_current_in_their_own() -> None:
    parents = koseki("K-PARENTS", member(removed=True))
    own = koseki("K-OWN", member(spouse_role="夫"))
    assert problems(parents, own) == []


def test_a_person_current_in_two_koseki_or_twice_in_one_is_a_duplicate() -> None:
    assert problems(koseki("K1", member()), koseki("K2", member())) == [
        "koseki row 2 members.0.juminhyo_code: DUPLICATE"
    ]
    assert problems(koseki("K1", member(), member(removed=True))) == [
        "koseki row 1 members.1.juminhyo_code: DUPLICATE"
    ]
    assert problems(koseki("K1", member()), koseki("K1", member(juminhyo_code=None))) == [
        "koseki row 2 id: DUPLICATE"
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"relationship": "夫"}, "members.0.relationship: BAD_RELATIONSHIP"),
        ({"relationship": "子"}, "members.0.relationship: BAD_RELATIONSHIP"),
        ({"spouse_role": "長男"}, "members.0.spouse_role: BAD_VALUE"),
        ({"name_kana": "たろう"}, "members.0.name_kana: BAD_KANA"),
        ({"juminhyo_code": WRONG_CHECK_DIGIT}, "members.0.juminhyo_code: BAD_CODE"),
        (
            {"events": [{"kind": "出生", "on": "1978-06-14", "detail": "出生地　東京都"}]},
            "members.0.events.0.items: MISSING_FIELD",
        ),
        (
            {"events": [{"kind": "出生", "items": {"出生日": "1978-06-14", "病院": "某"}}]},
            "members.0.events.0: BAD_KOSEKI_ITEM",
        ),
        (
            {"events": [{"kind": "出生", "items": {"出生地": "東京都"}}]},
            "members.0.events.0: BAD_KOSEKI_ITEM",
        ),
        (
            {"events": [{"kind": "出生", "items": {"出生日": "1978-02-30"}}]},
            "members.0.events.0: BAD_KOSEKI_ITEM",
        ),
        (
            {"events": [{"kind": "養子縁組", "items": {"縁組日": "2010-01-01"}}]},
            "members.0.events.0: BAD_KOSEKI_ITEM",
        ),
    ],
)
def test_an_unlawful_member_row_is_reported_by_its_field(
    fields: dict[str, Any], expected: str
) -> None:
    assert f"koseki row 1 {expected}" in problems(koseki("K1", member(**fields)))


def test_two_current_husbands_in_one_koseki_are_refused() -> None:
    other = with_check_digit("8000000002", "juminhyo")
    register = koseki("K1", member(spouse_role="夫"), member(juminhyo_code=other, spouse_role="夫"))
    assert problems(register) == ["koseki row 1 -: BAD_SPOUSES"]


def test_every_kind_of_event_validates_with_its_own_items() -> None:
    for kind, spec in EVENT_ITEMS.items():
        given = {label: "2000-01-01" if k == "date" else "東京都" for label, k in spec}
        register = koseki("K1", member(events=[{"kind": kind, "items": given}]))
        assert problems(register) == [], kind

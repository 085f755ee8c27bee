"""A BCL extract's characters: what no certificate can print is a bad row, named by code point."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from issuance.characters import CertificateCharset, CertificateFontsMissingError
from municipalities.bcl_import import ExtractRejectedError, Problem, validate_extract

DOC = Path(__file__).parents[2] / "docs" / "bcl-format.md"
KICHI = "\U00020bb7"  # 𠮷: IPAmj明朝 only


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    found = re.search(r"```json\n(.*?)```", DOC.read_text(), re.S)
    assert found is not None
    return json.loads(found.group(1))


def problems(data: dict[str, Any]) -> list[Problem]:
    with pytest.raises(ExtractRejectedError) as rejected:
        validate_extract(data)
    return rejected.value.problems


def test_every_control_and_non_text_code_point_is_a_bad_row(example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    data["residents"][0]["name"] = "久御山\x1a一"  # SUB: the usual unmappable stand-in
    data["residents"][0]["honseki"] = "京都府\n久御山町"
    data["households"][0]["head_name"] = "久御山\ufffd一"
    data["seals"][0]["registration_number"] = "K-\ue0001"
    data["koseki"][0]["members"][0]["relationship"] = "長\x85男"  # C1 NEL
    data["fuhyo"][0]["entries"][0]["address"] = "\U000e0100京都府"  # a selector with no base
    found = {(p.section, p.row, p.field, p.code) for p in problems(data)}
    assert found == {
        ("residents", 1, "name", "BAD_CHARACTER"),
        ("residents", 1, "honseki", "BAD_CHARACTER"),
        ("households", 1, "head_name", "BAD_CHARACTER"),
        ("seals", 1, "registration_number", "BAD_CHARACTER"),
        ("koseki", 1, "members.0.relationship", "BAD_CHARACTER"),
        ("fuhyo", 1, "entries.0.address", "BAD_CHARACTER"),
    }


def test_the_report_names_the_code_point_never_the_name(example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    data["residents"][0]["name"] = "久御山\x1a一"
    (problem,) = problems(data)
    assert "U+001A" in problem.message and "久御山" not in problem.message
    assert "制御文字" in problem.message and "never text" in problem.message


def _rows(data: dict[str, Any]) -> int:
    return sum(len(rows) for rows in data.values() if isinstance(rows, list))


def test_names_and_addresses_may_hold_what_ipamj_draws_other_fields_may_not(
    example: dict[str, Any],
) -> None:
    data = copy.deepcopy(example)
    data["residents"][0]["name"] = f"{KICHI}田　一"
    data["households"][0]["address"] = f"京都府{KICHI}町1番"
    data["koseki"][0]["members"][0]["events"][0]["items"]["出生地"] = "京都府葛\U000e0102城"
    assert validate_extract(data).row_count == _rows(example)
    data["residents"][0]["relationship"] = f"世帯{KICHI}"
    data["tax_assessments"][0]["incomes"][0]["label"] = f"給与{KICHI}"
    found = problems(data)
    assert [(p.section, p.field, p.code) for p in found] == [
        ("residents", "relationship", "UNDRAWABLE_CHARACTER"),
        ("tax_assessments", "incomes.0.label", "UNDRAWABLE_CHARACTER"),
    ]
    assert all(p.message.startswith("証明書の書体で印字できない文字: U+20BB7 /") for p in found)


def test_a_variant_no_font_defines_or_a_character_none_draws_is_refused(
    example: dict[str, Any],
) -> None:
    data = copy.deepcopy(example)
    data["residents"][0]["name"] = "葛\U000e010f城　一"  # 葛 has no such variant anywhere
    data["households"][0]["address"] = "京都府\U00030000町"  # CJK Extension G
    found = {(p.field, p.code, p.message.split(" /")[0].split(": ")[1]) for p in problems(data)}
    assert found == {
        ("name", "UNDRAWABLE_CHARACTER", "U+845B U+E010F"),
        ("address", "UNDRAWABLE_CHARACTER", "U+30000"),
    }


def test_nested_values_without_a_row_model_are_checked_too(example: dict[str, Any]) -> None:
    data = copy.deepcopy(example)
    resident = data["residents"][0]
    resident.pop("honseki", None), resident.pop("hittousha", None)
    resident["foreign"] = {
        "category": "特別永住者",
        "nationality": "韓国",
        "became_foreign_resident_on": "1990-04-01",
        "certificate_number": "AB12345678CD",
        "alias": "王\x00",
    }
    (problem,) = problems(data)
    assert (problem.field, problem.code) == ("foreign", "BAD_CHARACTER")
    assert problem.message.startswith("foreign.alias: ") and "U+0000" in problem.message


def test_without_the_certificate_fonts_the_check_says_so_by_code(tmp_path: Path) -> None:
    charset = CertificateCharset(base=(tmp_path / "ipaexm.ttf",), fallback=None)
    with pytest.raises(CertificateFontsMissingError) as missing:
        charset.text_problem("山田")
    assert missing.value.code == "CERTIFICATE_FONTS_MISSING"
    assert "kofu check" in missing.value.message_ja and "kofu check" in missing.value.message_en

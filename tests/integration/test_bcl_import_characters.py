"""`kofu bcl import` refuses characters no certificate can print, row by row, changing nothing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from centre.bootstrap import Platform
from centre.settings import Settings
from tests.integration.test_bcl_import import _csv, counts, extract, indexed, run_import

__all__ = ["indexed"]  # the national index fixture, autouse here too


def test_control_characters_are_refused_by_row_and_code_point(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    before = counts(platform)
    data = extract(3)
    data["residents"][1]["name"] = "久御山\x1a住民1"  # SUB: the unmappable stand-in
    data["households"][2]["address"] = "京都府\ue000久御山町"  # private use
    data["tax_assessments"][0]["deductions"][0]["label"] = "基礎\ufffd控除"
    path = tmp_path / "controls.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = run_import(settings, path)
    assert result.exit_code == 2
    for expected in (
        "residents row 2 name: BAD_CHARACTER 証明書に使えない文字（制御文字等）: U+001A",
        "households row 3 address: BAD_CHARACTER 証明書に使えない文字（制御文字等）: U+E000",
        "tax_assessments row 1 deductions.0.label: BAD_CHARACTER",
    ):
        assert expected in result.output
    assert "久御山\x1a住民1" not in result.output and "住民1" not in result.output
    assert "nothing was changed" in result.output
    assert counts(platform) == before


def test_a_newline_inside_a_csv_name_is_a_bad_row(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    data = extract(2)
    data["residents"][0]["name"] = "久御山\n住民0"
    path = tmp_path / "kumiyama.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.json", json.dumps({"municipality_code": data["municipality_code"]}))
        for section in ("households", "residents"):
            archive.writestr(f"{section}.csv", _csv(data[section]))
    result = run_import(settings, path)
    assert result.exit_code == 2
    assert "residents row 1 name: BAD_CHARACTER 証明書に使えない文字（制御文字等）: U+000A" in (
        result.output
    )


def test_a_name_only_ipamj_draws_is_imported_but_not_in_a_relationship(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    data = extract(2)
    data["residents"][0]["name"] = "\U00020bb7田　葛\U000e0102"  # 𠮷田 and an MJ variant of 葛
    data["residents"][0]["relationship"] = "世帯\U00020bb7"  # but not in a 続柄
    path = tmp_path / "rare.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = run_import(settings, path)
    assert result.exit_code == 2
    assert "residents row 1 relationship: UNDRAWABLE_CHARACTER" in result.output
    assert "residents row 1 name:" not in result.output
    data["residents"][0]["relationship"] = "世帯主"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = run_import(settings, path)
    assert result.exit_code == 0, result.output
    assert counts(platform)[0] == 2

"""BCL extracts replace only the sections they give: an absent section never deletes data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from centre.bootstrap import Platform
from centre.settings import Settings
from issuance.records import RecordQuery
from municipalities.bcl import BclHousehold, BclPerson
from municipalities.bcl_records import koseki_of
from municipalities.bcl_rows import SECTIONS
from municipalities.bcl_sections import count_rows
from tests.support.bcl import KUMIYAMA, extract, index_residents, run_import, write

CHIYODA = "131016"


def section_counts(platform: Platform, municipality: str = CHIYODA) -> dict[str, int]:
    with platform.uow() as uow:
        return {s: count_rows(uow, municipality, s) for s in SECTIONS}


def taro(platform: Platform) -> str:
    with platform.uow() as uow:
        return uow.session.scalars(
            select(BclPerson.juminhyo_code)
            .join(BclHousehold)
            .where(BclHousehold.municipality_code == CHIYODA, BclPerson.name == "山田　太郎")
        ).one()


def tax_only(code: str) -> dict[str, Any]:
    row = extract(1)["tax_assessments"][0]
    return {"municipality_code": CHIYODA, "tax_assessments": [{**row, "juminhyo_code": code}]}


def test_a_tax_only_extract_keeps_the_koseki_fuhyo_seals_and_residents(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    before = section_counts(platform)
    assert all(before[s] for s in ("koseki", "fuhyo", "seals", "residents"))
    result = run_import(settings, write(tmp_path, tax_only(taro(platform))), CHIYODA)
    assert result.exit_code == 0, result.output
    after = section_counts(platform)
    assert after == {**before, "tax_assessments": 1}
    lines = result.output.splitlines()
    assert f"imported 1 rows for {CHIYODA}" in lines
    for section, count in before.items():
        if section != "tax_assessments":
            assert f"  {section:<16}{count:>8} → {count:<8}kept" in lines
    assert f"  {'tax_assessments':<16}{before['tax_assessments']:>8} → {1:<8}replaced" in lines
    with platform.uow() as uow:
        assert koseki_of(uow, RecordQuery("r1", CHIYODA, taro(platform))) is not None


@pytest.mark.parametrize(
    "emptying", [{"seals": []}, {"replace": ["seals"]}], ids=["empty-array", "replace-list"]
)
def test_a_section_is_emptied_only_when_the_file_says_so(
    settings: Settings, platform: Platform, tmp_path: Path, emptying: dict[str, Any]
) -> None:
    before = section_counts(platform)
    path = write(tmp_path, {"municipality_code": CHIYODA, **emptying})
    result = run_import(settings, path, CHIYODA)
    assert result.exit_code == 0, result.output
    assert section_counts(platform) == {**before, "seals": 0}
    assert f"  {'seals':<16}{before['seals']:>8} → {0:<8}replaced" in result.output


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"seals": None}, "seals row 0 -: NOT_A_LIST"),
        ({"replace": ["seal"]}, "- row 0 replace: UNKNOWN_SECTION seal"),
        ({"households": []}, "residents row 0 -: MISSING_SECTION"),
        ({"koseki": []}, "fuhyo row 0 koseki_id: UNKNOWN_KOSEKI"),
        ({"residents": [], "households": []}, "seals row 0 juminhyo_code: UNKNOWN_RESIDENT"),
    ],
    ids=["null", "unknown-replace", "half-pair", "orphan-fuhyo", "orphan-seals"],
)
def test_an_unclear_or_inconsistent_replacement_is_refused_and_nothing_changes(
    settings: Settings, platform: Platform, tmp_path: Path, data: dict[str, Any], expected: str
) -> None:
    before = section_counts(platform)
    result = run_import(settings, write(tmp_path, {"municipality_code": CHIYODA, **data}), CHIYODA)
    assert result.exit_code == 2, result.output
    assert expected in result.output and "nothing was changed" in result.output
    assert section_counts(platform) == before


def test_a_full_extract_still_replaces_every_section_it_gives(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    index_residents(platform)
    data = {**extract(4), "koseki": [], "fuhyo": []}
    result = run_import(settings, write(tmp_path, data))
    assert result.exit_code == 0, result.output
    counts = section_counts(platform, KUMIYAMA)
    assert counts == {
        "households": 4,
        "residents": 4,
        "seals": 1,
        "tax_assessments": 1,
        "koseki": 0,
        "fuhyo": 0,
    }

"""Every way an import can fail ends in the per-row report or one clean line, no traceback."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from centre.bootstrap import Platform
from centre.settings import Settings
from cli.main import main
from issuance.records import RecordQuery
from municipalities import bcl_import
from municipalities.bcl import BclHousehold
from municipalities.bcl_records import koseki_of
from municipalities.bcl_rows import SECTIONS
from municipalities.bcl_sections import count_rows
from tests.support.bcl import KUMIYAMA, code, extract, index_residents, run_import, write


@pytest.fixture(autouse=True)
def indexed(platform: Platform) -> None:
    index_residents(platform)


def section_counts(platform: Platform) -> dict[str, int]:
    with platform.uow() as uow:
        return {s: count_rows(uow, KUMIYAMA, s) for s in SECTIONS}


def member(removed: bool = False, **fields: Any) -> dict[str, Any]:
    born = {"kind": "出生", "items": {"出生日": "1990-01-01", "出生地": "京都府"}}
    return {
        "juminhyo_code": code(0),
        "name": "一",
        "birth_date": "1990-01-01",
        "sex": "男",
        "relationship": "長男",
        "removed": removed,
        "events": [born],
        **fields,
    }


def register(koseki_id: str, hittousha: str, *members: dict[str, Any]) -> dict[str, Any]:
    return {"id": koseki_id, "honseki": "京都府久世郡久御山町佐山1番地", "hittousha": hittousha,
            "members": list(members)}  # fmt: skip


def reported(result: Result, status: int) -> str:
    """The command ended by its own exit status, not by an exception escaping it."""
    assert result.exit_code == status, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    return result.output


def test_one_person_in_two_koseki_of_one_honseki_chi_imports_and_the_current_one_answers(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    parents = register("K-PARENTS", "久御山　茂", member(removed=True))
    own = register("K-OWN", "久御山　一", member(spouse_role="夫"))
    data = {"municipality_code": KUMIYAMA, "koseki": [parents, own], "fuhyo": []}
    result = run_import(settings, write(tmp_path, data))
    assert result.exit_code == 0, result.output
    with platform.uow() as uow:
        koseki = koseki_of(uow, RecordQuery("r1", KUMIYAMA, code(0)))
    assert koseki is not None and koseki.hittousha == "久御山　一"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.update(koseki=[register(k, "甲", member()) for k in ("K1", "K2")]),
            "koseki row 2 members.0.juminhyo_code: DUPLICATE",
        ),
        (lambda d: d["seals"].append(d["seals"][0]), "seals row 2 juminhyo_code: DUPLICATE"),
        (
            lambda d: d["tax_assessments"].append(d["tax_assessments"][0]),
            "tax_assessments row 2 tax_year: DUPLICATE",
        ),
        (lambda d: d["households"].append(d["households"][0]), "households row 4 id: DUPLICATE"),
        (
            lambda d: d["households"][0].update(id="H131010001"),
            "households row 1 id: HELD_BY_ANOTHER_MUNICIPALITY",
        ),
    ],
    ids=["current-twice", "seal-twice", "tax-twice", "household-twice", "household-elsewhere"],
)
def test_what_the_database_would_refuse_is_a_bad_row_of_the_report(
    settings: Settings, platform: Platform, tmp_path: Path, change: Any, expected: str
) -> None:
    before = section_counts(platform)
    data = {**extract(3), "koseki": [], "fuhyo": []}
    change(data)
    if expected.startswith("households row 1"):  # its resident follows it
        data["residents"][0]["household_id"] = "H131010001"
    output = reported(run_import(settings, write(tmp_path, data)), 2)
    assert expected in output and "nothing was changed" in output
    assert section_counts(platform) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.json", b'{"seals": [', "- row 1 -: NOT_JSON line 1"),
        ("list.json", b"[]", "- row 0 -: NOT_AN_OBJECT"),
        ("latin1.json", '{"x": "é"}'.encode("latin-1"), "- row 0 -: BAD_ENCODING"),
        ("broken.zip", b"PK not a zip", "- row 0 -: NOT_A_ZIP"),
    ],
)
def test_an_unreadable_file_is_reported_not_a_traceback(
    settings: Settings, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert expected in reported(run_import(settings, path), 2)


def test_a_bad_nested_csv_cell_is_a_bad_row(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "extract.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.json", '{"municipality_code": "263222"}')
        archive.writestr("koseki.csv", "id,honseki,hittousha,members\nK1,京都府,甲,[{oops\n")
    assert "koseki row 1 members: NOT_JSON" in reported(run_import(settings, path), 2)


def test_a_database_refusal_past_every_check_is_one_clean_line_and_nothing_changes(
    settings: Settings, platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bcl_import, "database_check", lambda uow, extract: [])
    before = section_counts(platform)
    data = {**extract(3), "koseki": [], "fuhyo": []}
    data["households"][0]["id"] = data["residents"][0]["household_id"] = "H131010001"
    output = reported(run_import(settings, write(tmp_path, data)), 1)
    line = output.strip().splitlines()[-1]
    assert line.startswith("BCL_IMPORT_FAILED (IntegrityError): データベースが取り込みを")
    assert line.endswith(" / The database refused the import; nothing was changed.")
    assert code(0) not in output  # the database's own message may quote a resident: not shown
    assert section_counts(platform) == before
    with platform.uow() as uow:
        chiyoda = uow.session.get(BclHousehold, "H131010001")
        assert chiyoda is not None and chiyoda.municipality_code == "131016"


def test_a_database_out_of_reach_is_one_clean_line(tmp_path: Path) -> None:
    path = write(tmp_path, extract(1))
    env = {"KOFU_DATA_DIR": str(tmp_path), "KOFU_DATABASE_URL": "postgresql://kofu@127.0.0.1:1/x"}
    result = CliRunner().invoke(main, ["bcl", "import", KUMIYAMA, str(path)], env=env)
    line = reported(result, 1).strip().splitlines()[-1]
    assert line.startswith("BCL_IMPORT_FAILED (OperationalError): ")

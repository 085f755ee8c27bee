"""BCL extracts: a good file replaces a municipality's data at once; a bad one changes nothing."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from centre.bootstrap import Platform
from centre.settings import Settings
from cli.main import main
from issuance.index.model import Resident
from municipalities.bcl import BclHousehold, BclPerson
from municipalities.bcl_records import BclSealRegistration, BclTaxAssessment
from tests.support.bcl import KUMIYAMA, code, extract, index_residents, run_import
from tests.support.kiosk import TestKiosk


def counts(platform: Platform) -> tuple[int, int, int]:
    with platform.uow() as uow:
        ids = select(BclHousehold.id).where(BclHousehold.municipality_code == KUMIYAMA)
        people = select(func.count()).select_from(BclPerson).where(BclPerson.household_id.in_(ids))
        seals = (
            select(func.count())
            .select_from(BclSealRegistration)
            .where(BclSealRegistration.municipality_code == KUMIYAMA)
        )
        taxes = select(func.count()).select_from(BclTaxAssessment)
        return (
            uow.session.scalar(people) or 0,
            uow.session.scalar(seals) or 0,
            uow.session.scalar(taxes) or 0,
        )


@pytest.fixture(autouse=True)
def indexed(platform: Platform) -> None:
    index_residents(platform)


def test_a_good_json_file_replaces_the_municipality_data(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    assert counts(platform)[0] == 2  # the demo's 田中 household
    path = tmp_path / "kumiyama.json"
    path.write_text(json.dumps(extract(5), ensure_ascii=False))
    result = run_import(settings, path)
    assert result.exit_code == 0, result.output
    assert "imported" in result.output
    people, seals, _ = counts(platform)
    assert (people, seals) == (5, 1)


def test_a_broken_file_is_refused_with_every_problem_and_nothing_changes(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    before = counts(platform)
    data = extract(4)
    data["residents"][1]["birth_date"] = "1970-02-31"
    data["residents"][2]["juminhyo_code"] = "90000000009"  # wrong check digit
    del data["residents"][3]["name"]
    data["residents"][0]["household_id"] = "NOWHERE"
    data["tax_assessments"][0]["taxable_income"] = "lots"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = run_import(settings, path)
    assert result.exit_code == 2
    for expected in (
        "residents row 2 birth_date: BAD_DATE",
        "residents row 3 juminhyo_code: BAD_CODE",
        "residents row 4 name: MISSING_FIELD",
        "tax_assessments row 1 taxable_income: BAD_NUMBER",
    ):
        assert expected in result.output
    assert "nothing was changed" in result.output
    assert counts(platform) == before


def test_cross_references_are_checked_before_anything_changes(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    before = counts(platform)
    data = extract(2)
    data["residents"][0]["household_id"] = "NOWHERE"
    data["residents"][1]["juminhyo_code"] = data["residents"][0]["juminhyo_code"]
    path = tmp_path / "dangling.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = run_import(settings, path)
    assert result.exit_code == 2
    assert "UNKNOWN_HOUSEHOLD" in result.output and "DUPLICATE" in result.output
    assert counts(platform) == before


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=sorted({k for r in rows for k in r}))
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                for k, v in row.items()
            }
        )
    return out.getvalue()


def test_a_csv_extract_imports_and_its_residents_get_certificates(
    settings: Settings, platform: Platform, tmp_path: Path, kiosk: TestKiosk, cards: Path
) -> None:
    data = extract(3)
    path = tmp_path / "kumiyama.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.json", json.dumps({"municipality_code": KUMIYAMA}))
        for section in ("households", "residents", "seals", "tax_assessments"):
            archive.writestr(f"{section}.csv", _csv(data[section]))
    result = run_import(settings, path)
    assert result.exit_code == 0, result.output
    assert counts(platform)[:2] == (3, 1)
    # 田中 was replaced: the extract is the municipality's data now.
    assert kiosk.sign_in(cards / "tanaka-yoko.json").status_code == 200
    assert kiosk.refused_at_render("juminhyo", {"members": "self"}) == "NO_RECORD"


def test_an_extract_for_an_own_server_municipality_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    data = {**extract(1), "municipality_code": "141003"}
    path = tmp_path / "yokohama.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = CliRunner().invoke(
        main, ["bcl", "import", "141003", str(path)], env={"KOFU_DATA_DIR": str(settings.data_dir)}
    )
    assert result.exit_code == 2 and "NOT_A_BCL_MEMBER" in result.output


def test_a_resident_the_national_index_does_not_place_here_is_a_bad_row(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    before = counts(platform)
    data = extract(12)  # residents 10 and 11 are unknown to the national index
    path = tmp_path / "strangers.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    result = run_import(settings, path)
    assert result.exit_code == 2
    assert "residents row 11 juminhyo_code: NOT_IN_RESIDENT_INDEX" in result.output
    assert "residents row 12 juminhyo_code: NOT_IN_RESIDENT_INDEX" in result.output
    assert "row 10 " not in result.output
    assert counts(platform) == before


def test_an_import_never_lifts_the_centres_own_dv_protection(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    path = tmp_path / "kumiyama.json"
    path.write_text(json.dumps(extract(10), ensure_ascii=False))
    assert run_import(settings, path).exit_code == 0
    with platform.uow() as uow:
        protected = uow.session.get(Resident, code(9))
        assert protected is not None and protected.dv_protected
        assert protected.municipality_code == KUMIYAMA

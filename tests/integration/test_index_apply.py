"""`kofu index apply`: good 異動 files apply whole, bad ones change nothing, twice is once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from centre.bootstrap import Platform, bootstrap
from centre.database import upgrade
from centre.settings import Settings, load_settings
from cli.main import main
from demo.loader import juminhyo_code
from issuance.codes import with_check_digit
from issuance.index.idou import AppliedIdou
from issuance.index.model import Residence, Resident, ResidentStatus

CHIYODA, SOKA, SAPPORO = "131016", "112216", "011002"
TARO, HANAKO, ICHIRO, SAKURA = (juminhyo_code(n) for n in (1, 2, 3, 4))
BABY = with_check_digit("9100000001", "juminhyo")


def good_rows() -> list[dict[str, Any]]:
    return [
        {"idou_id": "T-4", "juminhyo_code": ICHIRO, "kind": "move_in",
         "idou_date": "2026-10-01", "municipality_code": SOKA},
        {"idou_id": "T-1", "juminhyo_code": BABY, "kind": "birth", "idou_date": "2026-09-01",
         "municipality_code": CHIYODA, "birth_date": "2026-09-01",
         "honseki_municipality_code": CHIYODA},
        {"idou_id": "T-2", "juminhyo_code": HANAKO, "kind": "death", "idou_date": "2026-09-20"},
        {"idou_id": "T-3", "juminhyo_code": SAKURA, "kind": "dv_on", "idou_date": "2026-09-21"},
        {"idou_id": "T-5", "juminhyo_code": TARO, "kind": "moving_out_filed",
         "idou_date": "2026-10-02", "municipality_code": CHIYODA},
    ]  # fmt: skip


def apply(settings: Settings, path: Path) -> Any:
    env = {"KOFU_DATA_DIR": str(settings.data_dir), "KOFU_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(main, ["index", "apply", str(path)], env=env)


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"idou": rows}, ensure_ascii=False))
    return path


def snapshot(platform: Platform) -> dict[str, Any]:
    """The whole index and the applied ids, to compare before and after."""
    with platform.uow() as uow:
        people = {
            r.juminhyo_code: (
                r.status,
                r.municipality_code,
                r.honseki_municipality_code,
                r.dv_protected,
                r.moving_out,
                tuple((s.municipality_code, s.from_date, s.to_date) for s in r.residences),
            )
            for r in uow.session.scalars(select(Resident)).unique()
        }
        applied = uow.session.scalar(select(func.count()).select_from(AppliedIdou))
    return {"people": people, "applied": applied}


def test_a_good_file_is_applied_in_idou_order_and_summarised(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    result = apply(settings, write(tmp_path / "idou.json", good_rows()))
    assert result.exit_code == 0, result.output
    assert "applied 5, already applied 0" in result.output
    assert "  death: applied 1, already applied 0" in result.output
    people = snapshot(platform)["people"]
    assert people[BABY][:2] == (ResidentStatus.RESIDENT, CHIYODA)
    assert people[BABY][5] == ((CHIYODA, date(2026, 9, 1), None),)
    assert people[HANAKO][:2] == (ResidentStatus.DECEASED, None)
    assert people[HANAKO][5] == ((CHIYODA, date(2015, 4, 1), date(2026, 9, 20)),)
    assert people[ICHIRO][1] == SOKA
    assert people[ICHIRO][5] == (
        (CHIYODA, date(2015, 4, 1), date(2026, 10, 1)),
        (SOKA, date(2026, 10, 1), None),
    )
    assert people[SAKURA][3] is True and people[TARO][4] is True
    with platform.uow() as uow:  # the tax year's 1 January still finds the former municipality
        ichiro = uow.session.get(Resident, ICHIRO)
        assert ichiro is not None and ichiro.municipality_on(date(2026, 1, 1)) == CHIYODA


def test_the_same_file_twice_is_applied_once(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    path = write(tmp_path / "idou.json", good_rows())
    assert apply(settings, path).exit_code == 0
    after_first = snapshot(platform)
    again = apply(settings, path)
    assert again.exit_code == 0, again.output
    assert "applied 0, already applied 5" in again.output
    assert snapshot(platform) == after_first


def test_an_id_applied_before_with_other_content_is_a_conflict(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    assert apply(settings, write(tmp_path / "first.json", good_rows())).exit_code == 0
    before = snapshot(platform)
    changed = good_rows()
    changed[2]["idou_date"] = "2026-09-19"
    result = apply(settings, write(tmp_path / "changed.json", changed))
    assert result.exit_code == 2
    assert "idou row 3 idou_id: ID_CONFLICT" in result.output
    assert snapshot(platform) == before


def test_a_bad_file_reports_every_problem_and_changes_nothing(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    before = snapshot(platform)
    rows = good_rows() + [
        {"idou_id": "B-1", "juminhyo_code": HANAKO, "kind": "death", "idou_date": "2026-10-05"},
        {"idou_id": "B-2", "juminhyo_code": BABY[:-1] + str((int(BABY[-1]) + 1) % 10),
         "kind": "dv_on", "idou_date": "2026-10-05"},
        {"idou_id": "B-3", "juminhyo_code": with_check_digit("9100000002", "juminhyo"),
         "kind": "move_in", "idou_date": "2026-10-05", "municipality_code": SAPPORO},
        {"idou_id": "B-4", "juminhyo_code": TARO, "kind": "move_out", "idou_date": "2014-01-01"},
        {"idou_id": "B-5", "juminhyo_code": SAKURA, "kind": "move_in", "idou_date": "2026-10-06",
         "municipality_code": CHIYODA},
        {"idou_id": "B-6", "juminhyo_code": TARO, "kind": "birth", "idou_date": "2026-10-07",
         "municipality_code": CHIYODA},
    ]  # fmt: skip
    result = apply(settings, write(tmp_path / "bad.json", rows))
    assert result.exit_code == 2
    assert "rejected: 6 problems; nothing was changed" in result.output
    for line in (
        "idou row 6 kind: ALREADY_DECEASED",  # 花子 dies in row 3 of the same file
        "idou row 7 juminhyo_code: BAD_CODE",
        "idou row 8 juminhyo_code: UNKNOWN_PERSON",
        "idou row 9 idou_date: OUT_OF_ORDER",
        "idou row 10 municipality_code: ALREADY_REGISTERED_THERE",
        "idou row 11 birth_date: MISSING_FIELD",
    ):
        assert line in result.output
    assert "この方はすでに死亡しています。 / This person is already deceased." in result.output
    assert snapshot(platform) == before


CSV_HEADER = "idou_id,juminhyo_code,kind,idou_date,municipality_code,birth_date\r\n"


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig"])
def test_a_csv_as_excel_saves_it_is_applied(
    settings: Settings, platform: Platform, tmp_path: Path, encoding: str
) -> None:
    baby = with_check_digit("0100000001", "juminhyo")  # Excel drops its leading zero
    text = (
        CSV_HEADER
        + f"出生-1,{baby.lstrip('0')},birth,2026/9/1,{SAPPORO.lstrip('0')},2026/9/1\r\n"
        + f"死亡-1,{HANAKO},death,2026/9/20,,\r\n"
    )
    path = tmp_path / "idou.csv"
    path.write_bytes(text.encode(encoding))
    result = apply(settings, path)
    assert result.exit_code == 0, result.output
    assert "applied 2, already applied 0" in result.output
    people = snapshot(platform)["people"]
    assert people[baby][:2] == (ResidentStatus.RESIDENT, SAPPORO)
    assert people[HANAKO][0] is ResidentStatus.DECEASED


@pytest.mark.postgres
def test_on_postgresql_a_file_is_applied_once(postgres_url: str, tmp_path: Path) -> None:
    upgrade(postgres_url)
    settings = load_settings({"KOFU_DATABASE_URL": postgres_url, "KOFU_DATA_DIR": str(tmp_path)})
    platform = bootstrap(settings, jobs=False)
    with platform.uow() as uow:
        for code in (TARO, HANAKO, ICHIRO, SAKURA):
            uow.session.add(
                Resident(
                    juminhyo_code=code,
                    municipality_code=CHIYODA,
                    honseki_municipality_code=CHIYODA,
                    status=ResidentStatus.RESIDENT,
                    birth_date=date(1980, 1, 1),
                    residences=[Residence(municipality_code=CHIYODA, from_date=date(2015, 4, 1))],
                )
            )
        uow.commit()
    path = write(tmp_path / "idou.json", good_rows())
    try:
        first = apply(settings, path)
        assert first.exit_code == 0, first.output
        after_first = snapshot(platform)
        assert after_first["applied"] == 5
        assert after_first["people"][ICHIRO][5][-1] == (SOKA, date(2026, 10, 1), None)
        again = apply(settings, path)
        assert "applied 0, already applied 5" in again.output
        assert snapshot(platform) == after_first
    finally:
        platform.close()

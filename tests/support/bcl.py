"""BCL import tests: a synthetic 久御山町 extract, its residents in the index, the command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from centre.bootstrap import Platform
from centre.settings import Settings
from cli.main import main
from issuance.codes import with_check_digit
from issuance.index.model import Resident, ResidentStatus

KUMIYAMA = "263222"


def code(n: int) -> str:
    return with_check_digit(f"{90_000_000_00 + n:010d}", "juminhyo")


def extract(residents: int = 3) -> dict[str, Any]:
    people = [
        {
            "juminhyo_code": code(i),
            "household_id": f"KH{i:05d}",
            "position": 0,
            "name": f"久御山　住民{i}",
            "name_kana": "くみやま　じゅうみん",
            "birth_date": "1970-01-01",
            "sex": "男",
            "relationship": "世帯主",
            "became_resident_on": "1990-01-01",
            "address_since": "1990-01-01",
            "notified_on": "1990-01-04",
        }
        for i in range(residents)
    ]
    return {
        "municipality_code": KUMIYAMA,
        "households": [
            {
                "id": f"KH{i:05d}",
                "address": f"京都府久世郡久御山町佐山{i}番地",
                "head_name": f"久御山　住民{i}",
            }
            for i in range(residents)
        ],
        "residents": people,
        "seals": [
            {
                "juminhyo_code": code(0),
                "registration_number": "K-1",
                "registered_on": "2020-02-02",
                "impression": "data:image/svg+xml;base64,PHN2Zy8+",
            }
        ],
        "tax_assessments": [
            {
                "juminhyo_code": code(0),
                "tax_year": 2025,
                "name": "久御山　住民0",
                "address": "京都府久世郡久御山町佐山0番地",
                "incomes": [{"label": "給与所得", "yen": 2000000}],
                "deductions": [{"label": "基礎控除", "yen": 430000}],
                "taxable_income": 1570000,
                "municipal_tax": 94200,
                "prefectural_tax": 62800,
            }
        ],
    }


def index_residents(platform: Platform) -> None:
    """The national index registers the synthetic residents in 久御山町 (the last one DV)."""
    with platform.uow() as uow:
        for i in range(10):
            uow.session.add(
                Resident(
                    juminhyo_code=code(i),
                    municipality_code=KUMIYAMA,
                    honseki_municipality_code=KUMIYAMA,
                    status=ResidentStatus.RESIDENT,
                    birth_date=date(1970, 1, 1),
                    dv_protected=i == 9,
                )
            )
        uow.commit()


def run_import(settings: Settings, path: Path, municipality: str = KUMIYAMA) -> Result:
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    return CliRunner().invoke(main, ["bcl", "import", municipality, str(path)], env=env)


def write(tmp_path: Path, data: dict[str, Any], name: str = "extract.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path

"""Measure `kofu bcl import` on a synthetic extract: 100,000 residents by default.

    .venv/bin/python loadtests/bcl_import_bench.py [RESIDENTS] [DATABASE_URL]

Prints the time to read, validate and replace (SQLite in a temporary directory unless a URL
is given), for the first import and for a re-import that replaces the same data.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from centre.bootstrap import bootstrap
from centre.database import upgrade
from centre.settings import load_settings
from demo.places import load_municipalities
from issuance.codes import with_check_digit
from issuance.index.model import Resident
from municipalities.bcl_import import import_extract, read_extract_file

SOKA = "112216"


def synthetic(residents: int) -> dict[str, Any]:
    households, people, taxes = [], [], []
    for i in range(residents):
        hid = f"B{i // 2:08d}"
        if i % 2 == 0:
            households.append(
                {
                    "id": hid,
                    "address": f"埼玉県草加市高砂{i % 9 + 1}丁目{i}番",
                    "head_name": f"草加　太郎{i}",
                }
            )
        code = with_check_digit(f"{70_000_000_00 + i:010d}", "juminhyo")
        people.append(
            {
                "juminhyo_code": code,
                "household_id": hid,
                "position": i % 2,
                "name": f"草加　太郎{i}",
                "name_kana": "そうか　たろう",
                "birth_date": f"{1950 + i % 50}-0{1 + i % 9}-1{i % 9}",
                "sex": "男女"[i % 2],
                "relationship": "世帯主" if i % 2 == 0 else "妻",
                "became_resident_on": "2000-04-01",
                "address_since": "2000-04-01",
                "notified_on": "2000-04-03",
            }
        )
        taxes.append(
            {
                "juminhyo_code": code,
                "tax_year": 2026,
                "name": f"草加　太郎{i}",
                "address": "埼玉県草加市",
                "incomes": [{"label": "給与所得", "yen": 3_000_000}],
                "deductions": [{"label": "基礎控除", "yen": 430_000}],
                "taxable_income": 2_570_000,
                "municipal_tax": 154_200,
                "prefectural_tax": 102_800,
            }
        )
    return {
        "municipality_code": SOKA,
        "households": households,
        "residents": people,
        "tax_assessments": taxes,
    }


def _index(uow: Any, data: dict[str, Any]) -> None:
    """The national index registers every synthetic resident in 草加市 (the import checks it)."""
    rows = [
        {
            "juminhyo_code": p["juminhyo_code"],
            "municipality_code": SOKA,
            "honseki_municipality_code": SOKA,
            "status": "resident",
            "birth_date": date(1980, 1, 1),
            "dv_protected": False,
            "moving_out": False,
        }
        for p in data["residents"]
    ]
    uow.session.execute(insert(Resident), rows)


def main() -> None:
    residents = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        env = {"KOFU_DATA_DIR": tmp}
        if len(sys.argv) > 2:
            env["KOFU_DATABASE_URL"] = sys.argv[2]
        settings = load_settings(env)
        upgrade(settings.database_url)
        platform = bootstrap(settings, jobs=False)
        data = synthetic(residents)
        with platform.uow() as uow:
            load_municipalities(uow)
            _index(uow, data)
            uow.commit()
        path = Path(tmp) / "extract.json"
        path.write_text(json.dumps(data, ensure_ascii=False))
        for attempt in ("first import", "re-import"):
            started = time.perf_counter()
            data = read_extract_file(path)
            with platform.uow() as uow:
                rows = import_extract(uow, SOKA, data).rows_written
            seconds = time.perf_counter() - started
            print(
                f"{attempt}: {residents} residents, {rows} rows in {seconds:.1f} s "
                f"({rows / seconds:,.0f} rows/s)"
            )
        platform.close()


if __name__ == "__main__":
    main()

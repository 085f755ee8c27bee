"""Migration 0009 on SQLite and PostgreSQL: stored BCL data of the old shape stays printable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from centre.database import alembic_config, make_engine
from issuance.foreign_residents import MidToLongTermResident
from issuance.ports import UnitOfWork
from issuance.records import RecordQuery
from issuance.refusals import RefusalError
from issuance.unit_of_work import SqlAlchemyUnitOfWork
from municipalities.bcl import BclBackend

SOKA = "112216"
OLD_FOREIGN = {
    "nationality": "ベトナム",
    "status_of_residence": "技能実習",
    "period_of_stay": "1年",
    "period_expires_on": "2027-03-31",
    "residence_card_number": "AB12345678CD",
    "alias": "中村　安",
}
ROWS = [
    "INSERT INTO municipalities_municipality (code, name, prefecture, municipality_class, "
    "population, participating, backend_kind, backend_settings, mayor_title, mayor_name) "
    f"VALUES ('{SOKA}', '草加市', '埼玉県', 'city', 1, TRUE, 'bcl', '{{}}', '草加市長', '松原')",
    f"INSERT INTO municipalities_bcl_household VALUES ('H1', '{SOKA}', '埼玉県草加市1番', 'A')",
    f"INSERT INTO municipalities_bcl_household VALUES ('H2', '{SOKA}', '埼玉県草加市2番', 'B')",
    "INSERT INTO municipalities_bcl_koseki (id, municipality_code, honseki, hittousha, "
    f"pending_notifications, members) VALUES ('K1', '{SOKA}', '埼玉県草加市1番', '草加　太郎', "
    "FALSE, :members)",
    "INSERT INTO municipalities_bcl_fuhyo VALUES "
    f"('{SOKA}', '00000000003', 'K1', '草加　太郎', '1970-01-01', '[]', FALSE)",
]


def _person(code: str, household: str, foreign: dict) -> str:
    return (
        "INSERT INTO municipalities_bcl_person (juminhyo_code, household_id, position, name, "
        "name_kana, birth_date, sex, relationship, became_resident_on, address_since, "
        f"notified_on, \"foreign\") VALUES ('{code}', '{household}', 0, 'A', '', "
        "'1995-01-01', '男', '世帯主', '2019-04-01', '2019-04-01', '2019-04-03', "
        f"'{json.dumps(foreign, ensure_ascii=False)}')"
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kofu.sqlite3'}"
    return request.getfixturevalue("postgres_url")  # type: ignore[no-any-return]


def _refusal(uow: UnitOfWork, code: str) -> str | None:
    try:
        BclBackend().household_of(uow, SOKA, code)
    except RefusalError as refusal:
        return refusal.code
    return None


def test_stored_residents_and_fuhyo_take_the_new_shape_or_are_refused(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0007_reference_version")
    engine = make_engine(database_url)
    members = [{"juminhyo_code": "00000000003", "name": "太郎", "sex": "男"}]
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement), {"members": json.dumps(members)})
        connection.execute(text(_person("00000000001", "H1", OLD_FOREIGN)))
        old_special = {"article_30_45": "特別永住者", "nationality": "韓国"}
        connection.execute(text(_person("00000000002", "H2", old_special)))
    command.upgrade(alembic_config(database_url), "head")
    with SqlAlchemyUnitOfWork(sessionmaker(engine, expire_on_commit=False)) as uow:
        household = BclBackend().household_of(uow, SOKA, "00000000001")
        fuhyo = BclBackend().fuhyo(uow, RecordQuery("r", SOKA, "00000000003"))
        refused = _refusal(uow, "00000000002")
    engine.dispose()
    assert household is not None
    foreign = household.members[0].foreign
    assert isinstance(foreign, MidToLongTermResident) and foreign.alias == "中村　安"
    assert foreign.became_foreign_resident_on == date(2019, 4, 1)  # the date printed before
    assert fuhyo is not None and fuhyo.record.sex == "男"
    assert refused == "RECORD_UNPRINTABLE"  # an old 特別永住者 has no number to carry over

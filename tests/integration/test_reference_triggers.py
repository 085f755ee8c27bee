"""Every reference table the per-process caches trust has its triggers (migrations 0007, 0014,
0015, which rebuilt the offering tables on SQLite, and 0016):
a write to any of them moves the reference-data version."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import text

from centre.bootstrap import Platform
from issuance.reference import REFERENCE_TABLES, reference_version
from municipalities.model import OfferingChange, SettingChange


def test_every_reference_table_has_its_triggers(platform: Platform) -> None:
    with platform.engine.connect() as connection:
        triggers = set(
            connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            .scalars()
            .all()
        )
    for table in REFERENCE_TABLES:
        for action in ("insert", "update", "delete"):
            assert f"{table}_bumps_reference_{action}" in triggers, (table, action)


def test_scheduling_an_offering_change_moves_the_version(platform: Platform) -> None:
    with platform.uow() as uow:
        before = reference_version(uow.session)
        uow.session.add(
            OfferingChange(
                municipality_code="131016",
                kind="juminhyo",
                effective_from=platform.now() + timedelta(days=1),
                offered=True,
                fee=300,
                weekday_opens=time(6, 30),
                weekday_closes=time(23, 0),
                created_at=platform.now(),
            )
        )
        uow.commit()
    with platform.uow() as uow:
        assert reference_version(uow.session) == before + 1


def test_scheduling_a_settings_change_moves_the_version(platform: Platform) -> None:
    with platform.uow() as uow:
        before = reference_version(uow.session)
        uow.session.add(
            SettingChange(
                municipality_code="131016",
                effective_from=platform.now() + timedelta(days=1),
                koseki_registration_days=5,
                wide_area_tax=False,
                created_at=platform.now(),
            )
        )
        uow.commit()
    with platform.uow() as uow:
        assert reference_version(uow.session) == before + 1

"""The portal on PostgreSQL: the tenant rule is the database's too, and the overview's
queries (grouping by a comparison, JSON audit values) run there as on SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from centre.bootstrap import Platform, bootstrap
from centre.database import upgrade
from centre.settings import load_settings
from demo.places import DemoPaths, load_kiosks, load_municipalities
from demo.staff import load_staff
from portal.app import create_app
from tests.support.portal import seed_overview, sign_in_demo, staff

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_platform(postgres_url: str, tmp_path: Path) -> Iterator[Platform]:
    upgrade(postgres_url)
    settings = load_settings(
        {
            "KOFU_DATABASE_URL": postgres_url,
            "KOFU_DATA_DIR": str(tmp_path),
            "KOFU_DEMO": "1",
        }
    )
    made = bootstrap(settings, jobs=False)
    with made.uow() as uow:
        load_municipalities(uow)
        uow.commit()
        load_kiosks(uow, settings.kiosk_key_pepper, DemoPaths(tmp_path))
        load_staff(uow, datetime.now(UTC))
    yield made
    made.close()


def test_the_database_refuses_a_municipal_role_without_its_municipality(
    pg_platform: Platform,
) -> None:
    with pg_platform.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(
            text(
                "INSERT INTO portal_staff_account (login, display_name, password_hash, role, "
                "failed_logins, created_at) VALUES ('x@city.example.jp', 'x', 'x', "
                "'municipal_admin', 0, now())"
            )
        )


def test_the_overview_and_the_audit_trail_work_on_postgresql(pg_platform: Platform) -> None:
    seed_overview(pg_platform)
    portal = create_app(pg_platform.settings, pg_platform)  # KOFU_DEMO=1: no Secure cookies
    client = portal.test_client()
    sign_in_demo(client, staff("admin@chiyoda"), pg_platform.now())
    page = client.get("/m/131016/").get_data(as_text=True)
    assert re.search(r"住民票の写し</th><td class=\"num\">2件", page)
    assert re.search(
        r"記録不一致（全国索引）</th><td><code>RECORDS_OUT_OF_SYNC</code></td>"
        r"<td class=\"num\">2件",
        page,
    )
    with pg_platform.engine.connect() as connection:
        actions = connection.execute(text("SELECT action FROM portal_audit_entry")).scalars()
        assert "login_success" in list(actions)

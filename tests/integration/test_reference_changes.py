"""Reference data changed elsewhere is seen by the very next kiosk call, on SQLite and PostgreSQL.

The centre keeps kiosks, municipalities, offerings, maintenance windows, operators and
tariffs per process. Each change here is made with plain SQL on a connection of its own,
as another server, the portal or an operator's script would, after the centre has read
(and kept) the old value.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text, update

from billing.model import BillingEvent, EventType
from centre.bootstrap import Platform, bootstrap
from centre.database import normalise_url
from centre.settings import load_settings
from issuance.sessions.kiosks import Kiosk
from kiosk_api.app import create_app
from municipalities.model import MaintenanceWindow
from tests.conftest import FakeClock, prepare
from tests.support.kiosk import TestKiosk
from tests.support.services import copy_cards

YAMADA = "yamada-taro.json"  # 千代田区, signs in at K0001 (セブン-イレブン)


@pytest.fixture(params=["sqlite", "postgresql"])
def centre(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[Platform]:
    data_dir = tmp_path / "data"
    env = {"KOFU_DATA_DIR": str(data_dir)}
    if request.param == "sqlite":
        shutil.copytree(demo_template, data_dir)
    else:
        copy_cards(demo_template, data_dir)
        env["KOFU_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        prepare(load_settings(env), extra=4)
    platform = bootstrap(load_settings(env), clock=clock)
    yield platform
    platform.queue.drain()
    platform.close()


@pytest.fixture
def elsewhere(centre: Platform) -> Iterator[Engine]:
    """A connection that is not the centre's: another process writing to the same database."""
    engine = create_engine(normalise_url(centre.settings.database_url))
    yield engine
    engine.dispose()


@pytest.fixture
def desk(centre: Platform) -> TestKiosk:
    tokens = centre.settings.data_dir / "demo" / "kiosks.json"
    token = json.loads(tokens.read_text())["K0001"]
    return TestKiosk(create_app(platform=centre).test_client(), token)


def run(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def chiyoda(engine: Engine) -> str:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT code FROM municipalities_municipality WHERE name = '千代田区'")
        ).scalar_one()


def juminhyo(desk: TestKiosk) -> dict:
    return desk.menu()["juminhyo"]


def printed(desk: TestKiosk, cards: Path) -> None:
    ready, _pdf = desk.issue(cards / YAMADA)
    answer = desk.call(
        "POST", desk.path(ready["request_id"], "/confirmation"), {"result": "printed"}
    )
    assert answer.status_code == 200 and answer.json["state"] == "printed"


def commissions(centre: Platform) -> list[int]:
    with centre.uow() as uow:
        events = uow.session.scalars(
            select(BillingEvent)
            .where(BillingEvent.event_type == EventType.ISSUE)
            .order_by(BillingEvent.id)
        )
        return [e.commission_total for e in events]


def test_a_kiosk_revoked_elsewhere_is_refused_on_its_next_call(
    desk: TestKiosk, elsewhere: Engine, centre: Platform
) -> None:
    cards = centre.settings.data_dir / "demo" / "cards"
    assert desk.sign_in(cards / YAMADA).status_code == 200
    assert desk.call("GET", f"/v1/sessions/{desk.session_id}/menu").status_code == 200
    with elsewhere.begin() as connection:
        connection.execute(
            update(Kiosk).where(Kiosk.id == "K0001").values(revoked_at=datetime.now(UTC))
        )
    refused = desk.call("GET", f"/v1/sessions/{desk.session_id}/menu")
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "KIOSK_UNAUTHORIZED"


def test_a_fee_changed_elsewhere_is_asked_and_charged_from_the_next_call(
    desk: TestKiosk, elsewhere: Engine, centre: Platform
) -> None:
    cards = centre.settings.data_dir / "demo" / "cards"
    assert desk.sign_in(cards / YAMADA).status_code == 200
    before = juminhyo(desk)["fee"]
    run(
        elsewhere,
        "UPDATE municipalities_certificate_offering SET fee = fee + 50"
        " WHERE municipality_code = :code AND kind = 'juminhyo'",
        code=chiyoda(elsewhere),
    )
    assert juminhyo(desk)["fee"] == before + 50
    accepted = desk.request()
    assert accepted.status_code == 202 and accepted.json["fee_total"] == before + 50


def test_a_maintenance_window_or_a_municipality_leaving_stops_the_next_menu(
    desk: TestKiosk, elsewhere: Engine, centre: Platform
) -> None:
    cards = centre.settings.data_dir / "demo" / "cards"
    assert desk.sign_in(cards / YAMADA).status_code == 200
    assert juminhyo(desk)["available"]
    code = chiyoda(elsewhere)
    now = centre.now()
    with elsewhere.begin() as connection:
        connection.execute(
            insert(MaintenanceWindow).values(
                municipality_code=code,
                starts_at=now - timedelta(minutes=1),
                ends_at=now + timedelta(hours=1),
                note="システム更新",
            )
        )
    assert juminhyo(desk)["refusal"]["code"] == "MAINTENANCE"
    run(elsewhere, "DELETE FROM municipalities_maintenance_window")
    assert juminhyo(desk)["available"]
    run(
        elsewhere,
        "UPDATE municipalities_municipality SET participating = :no WHERE code = :code",
        no=False,
        code=code,
    )
    assert juminhyo(desk)["refusal"]["code"] == "MUNICIPALITY_NOT_PARTICIPATING"


def test_an_operators_commission_changed_elsewhere_applies_to_the_next_print(
    desk: TestKiosk, elsewhere: Engine, centre: Platform
) -> None:
    cards = centre.settings.data_dir / "demo" / "cards"
    printed(desk, cards)
    run(
        elsewhere,
        "UPDATE issuance_kiosk_operator SET commission_per_issue = 120 WHERE id = 'seven'",
    )
    printed(desk, cards)
    run(
        elsewhere,
        "INSERT INTO billing_tariff (tariff, subject, certificate_kind, amount, valid_from, note)"
        " VALUES ('commission', 'seven', '*', 130, :day, '改定')",
        day=centre.now().date() - timedelta(days=1),
    )
    printed(desk, cards)
    assert commissions(centre) == [117, 120, 130]

"""Refusals answered at the kiosk make no request row: they are counted (never who) and the
municipal overview and the centre's national view show them beside the failed requests."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select, update

from centre.bootstrap import Platform, bootstrap
from centre.database import upgrade
from centre.settings import load_settings
from demo.places import load_municipalities
from issuance.refusal_counts import RefusalCount, count_refusal
from issuance.sweeper import SweepPolicy, sweep
from municipalities.model import CertificateOffering, MaintenanceWindow, Municipality
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.kiosk import TestKiosk
from tests.support.portal import sign_in_demo, staff
from tests.support.queues import ManualQueue

CHIYODA = "131016"
YAMADA = "yamada-taro.json"  # 千代田区


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str) -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def refused(kiosk: TestKiosk) -> str:
    answer = kiosk.request()
    assert answer.status_code == 403, answer.json
    return str(answer.json["error"]["code"])


def overview_count(page: str, code: str) -> int | None:
    found = re.search(rf"<code>{code}</code></td><td class=\"num\">(\d+)件<", page)
    return int(found[1]) if found else None


def national_count(page: str, code: str) -> int | None:
    found = re.search(rf"<code>{code}</code></th><td class=\"num\">(\d+)件<", page)
    return int(found[1]) if found else None


def change(platform: Platform, statement) -> None:  # type: ignore[no-untyped-def]
    with platform.uow() as uow:
        uow.session.execute(statement)
        uow.commit()


def test_refusals_at_request_time_show_on_the_overview_and_the_national_view(
    portal: Flask, platform: Platform, kiosk: TestKiosk, cards: Path
) -> None:
    admin = signed_in(portal, platform, "admin@chiyoda")
    centre = signed_in(portal, platform, "operator@centre")
    assert "まだありません。" in admin.get(f"/m/{CHIYODA}/").text
    assert kiosk.sign_in(cards / YAMADA).status_code == 200, kiosk.last.json

    suspended = update(Municipality).where(Municipality.code == CHIYODA)
    change(platform, suspended.values(suspended_at=platform.now()))
    assert [refused(kiosk), refused(kiosk)] == ["MUNICIPALITY_SUSPENDED"] * 2
    change(platform, suspended.values(suspended_at=None))

    now = platform.now()
    with platform.uow() as uow:
        window = MaintenanceWindow(
            municipality_code=CHIYODA,
            kind="juminhyo",
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(hours=1),
            note="",
        )
        uow.session.add(window)
        uow.commit()
        window_id = window.id
    assert refused(kiosk) == "MAINTENANCE"
    with platform.uow() as uow:
        uow.session.delete(uow.session.get(MaintenanceWindow, window_id))
        uow.commit()

    closed = {
        f"{day}_{end}": None
        for day in ("weekday", "saturday", "holiday")
        for end in ("opens", "closes")
    }
    change(
        platform,
        update(CertificateOffering)
        .where(
            CertificateOffering.municipality_code == CHIYODA, CertificateOffering.kind == "juminhyo"
        )
        .values(closed),
    )
    assert refused(kiosk) == "OUT_OF_HOURS"
    assert kiosk.menu()["juminhyo"]["refusal"]["code"] == "OUT_OF_HOURS"  # the menu: not counted

    overview = admin.get(f"/m/{CHIYODA}/").text
    national = centre.get("/centre/").text
    for page, count in ((overview, overview_count), (national, national_count)):
        assert count(page, "MUNICIPALITY_SUSPENDED") == 2
        assert count(page, "MAINTENANCE") == 1
        assert count(page, "OUT_OF_HOURS") == 1


def test_a_request_that_fails_at_render_is_counted_once(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    platform.queue = ManualQueue()  # nothing renders it
    assert kiosk.sign_in(cards / YAMADA).status_code == 200, kiosk.last.json
    accepted = kiosk.request()
    assert accepted.status_code == 202, accepted.json
    clock.advance(SweepPolicy().give_up_after.total_seconds() + 60)
    with platform.uow() as uow:
        sweep(uow, platform.queue, SweepPolicy(), platform.now())
        uow.commit()
    kiosk.call("GET", kiosk.path(accepted.json["request_id"]))  # the kiosk hears of it

    overview = signed_in(portal, platform, "admin@chiyoda").get(f"/m/{CHIYODA}/").text
    national = signed_in(portal, platform, "operator@centre").get("/centre/").text
    assert overview_count(overview, "RENDER_TIMEOUT") == 1
    assert national_count(national, "RENDER_TIMEOUT") == 1


def test_a_resident_refused_at_sign_in_is_counted_once_for_the_session(
    portal: Flask, platform: Platform, kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "sato-hanako.json").json["error"]["code"] == "DV_PROTECTED"
    menu = kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu")
    assert menu.json["error"]["code"] == "DV_PROTECTED"  # the same refusal said again
    national = signed_in(portal, platform, "operator@centre").get("/centre/").text
    assert national_count(national, "DV_PROTECTED") == 1
    with platform.uow() as uow:
        row = uow.session.scalars(select(RefusalCount)).one()
    assert row.certificate_kind == "" and len(row.municipality_code) == 6


def test_the_counts_name_no_resident_and_no_session(platform: Platform) -> None:
    columns = {c["name"] for c in inspect(platform.engine).get_columns("issuance_refusal_count")}
    assert columns == {
        "id",
        "day",
        "municipality_code",
        "certificate_kind",
        "refusal_code",
        "count",
    }


@pytest.fixture
def pg_platform(postgres_url: str, tmp_path: Path) -> Iterator[Platform]:
    upgrade(postgres_url)
    settings = load_settings(
        {"KOFU_DATABASE_URL": postgres_url, "KOFU_DATA_DIR": str(tmp_path), "KOFU_DEMO": "1"}
    )
    made = bootstrap(settings, jobs=False)
    with made.uow() as uow:
        load_municipalities(uow)
        uow.commit()
    yield made
    made.close()


@pytest.mark.postgres
def test_concurrent_refusals_each_add_one_on_postgresql(pg_platform: Platform) -> None:
    threads, each = 8, 25
    start = threading.Barrier(threads)
    now = datetime.now(UTC)

    def refuse() -> None:
        start.wait()
        for _ in range(each):
            with pg_platform.uow() as uow:
                count_refusal(uow, CHIYODA, "juminhyo", "MAINTENANCE", now)

    workers = [threading.Thread(target=refuse) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with pg_platform.uow() as uow:
        rows = uow.session.scalars(select(RefusalCount)).all()
    assert [(r.municipality_code, r.refusal_code, r.count) for r in rows] == [
        (CHIYODA, "MAINTENANCE", threads * each)
    ]

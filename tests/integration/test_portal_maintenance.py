"""Maintenance windows from the portal: announced by a municipal administrator, refused at the
kiosk inside the window (MAINTENANCE) and served outside it, validated whole, cancelled with a
confirmation, every change audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from centre.bootstrap import Platform
from issuance.calendar import JST
from issuance.staff.model import AuditEntry
from municipalities.model import MaintenanceWindow
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.centres import kiosk_on, two_platforms
from tests.support.kiosk import TestKiosk
from tests.support.portal import csrf, sign_in_demo, staff

PAGE = "/m/131016/maintenance/"
YAMADA = "yamada-taro.json"  # 千代田区


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str = "admin@chiyoda") -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def typed(moment: datetime) -> str:
    """``moment`` as a clerk types it into a datetime-local field (JST, to the minute)."""
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def next_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def announce(client: FlaskClient, starts: datetime, ends: datetime, **extra: str):  # type: ignore[no-untyped-def]
    form = {"starts": typed(starts), "ends": typed(ends), "kind": "", "note": "", **extra}
    return client.post(PAGE, data={**form, "csrf_token": csrf(client, PAGE)})


def windows(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(MaintenanceWindow)) or 0


def juminhyo_refusal(kiosk: TestKiosk, cards: Path) -> str | None:
    assert kiosk.sign_in(cards / YAMADA).status_code == 200, kiosk.last.json
    item = kiosk.menu()["juminhyo"]
    return None if item["available"] else item["refusal"]["code"]


def test_a_window_announced_in_the_portal_refuses_the_kiosk_inside_it_and_only_then(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    assert juminhyo_refusal(kiosk, cards) is None  # read (and kept) before the change
    starts = next_minute(platform.now()) + timedelta(hours=1)
    admin = signed_in(portal, platform)
    answer = announce(admin, starts, starts + timedelta(hours=2), kind="juminhyo", note="更新")
    assert answer.status_code == 302
    page = admin.get(PAGE).get_data(as_text=True)
    assert "住民票の写し" in page and "更新" in page and "令和" in page

    assert juminhyo_refusal(kiosk, cards) is None  # before the window
    clock.advance((starts - platform.now()).total_seconds() + 60)
    assert juminhyo_refusal(kiosk, cards) == "MAINTENANCE"
    assert kiosk.menu()["inkan"]["available"]  # the window names 住民票 only
    clock.advance(2 * 3600)
    assert juminhyo_refusal(kiosk, cards) is None  # after it
    with platform.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("maint%"))
        ).one()
        assert entry.action == "maintenance_announce" and entry.old is None
        assert entry.new == {
            "starts_at": starts.astimezone(JST).isoformat(),
            "ends_at": (starts + timedelta(hours=2)).astimezone(JST).isoformat(),
            "kind": "juminhyo",
            "note": "更新",
        }


@pytest.mark.parametrize(
    ("offset", "length", "code"),
    [
        (timedelta(hours=-2), timedelta(hours=1), "MAINTENANCE_IN_PAST"),
        (timedelta(hours=2), timedelta(hours=-1), "MAINTENANCE_END_BEFORE_START"),
        (timedelta(hours=2), timedelta(0), "MAINTENANCE_END_BEFORE_START"),
        (timedelta(hours=2), timedelta(days=7, minutes=1), "MAINTENANCE_TOO_LONG"),
    ],
)
def test_a_window_that_cannot_be_is_refused_with_its_code_and_nothing_is_written(
    portal: Flask, platform: Platform, offset: timedelta, length: timedelta, code: str
) -> None:
    admin = signed_in(portal, platform)
    before = windows(platform)
    starts = next_minute(platform.now()) + offset
    answer = announce(admin, starts, starts + length)
    assert answer.status_code == 422 and code in answer.text
    assert windows(platform) == before


def test_bad_fields_are_refused_with_a_stable_code_in_english_too(
    portal: Flask, platform: Platform
) -> None:
    admin = signed_in(portal, platform)
    admin.get(PAGE + "?lang=en")
    token = csrf(admin, PAGE)
    form = {"starts": "tomorrow", "ends": "2030-01-01T10:00", "kind": "", "csrf_token": token}
    answer = admin.post(PAGE, data=form)
    assert answer.status_code == 422
    assert "START_INVALID" in answer.text and "Enter the start date and time." in answer.text
    form = {**form, "starts": "2030-01-01T09:00", "kind": "nonsense"}
    assert "KIND_INVALID" in admin.post(PAGE, data=form).text
    form = {**form, "kind": "", "note": "x" * 201}
    assert "NOTE_INVALID" in admin.post(PAGE, data=form).text
    assert windows(platform) == 0


def test_an_administrator_cancels_a_window_after_confirming(
    portal: Flask, platform: Platform
) -> None:
    admin = signed_in(portal, platform)
    starts = next_minute(platform.now()) + timedelta(days=1)
    assert announce(admin, starts, starts + timedelta(hours=1), note="取消予定").status_code == 302
    with platform.uow() as uow:
        window_id = uow.session.scalars(
            select(MaintenanceWindow.id).where(MaintenanceWindow.note == "取消予定")
        ).one()
    url = f"{PAGE}{window_id}/cancel"
    token = csrf(admin, url)
    unconfirmed = admin.post(url, data={"csrf_token": token})
    assert unconfirmed.status_code == 200 and "取り消すことを確認しました" in unconfirmed.text
    assert admin.post(url, data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    with platform.uow() as uow:
        assert uow.session.get(MaintenanceWindow, window_id) is None
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "maintenance_cancel")
        ).one()
        assert entry.target_id == str(window_id) and entry.new is None
        assert entry.old is not None and entry.old["note"] == "取消予定"
    assert admin.get(url).status_code == 404  # gone


def test_nationwide_and_other_municipalities_windows_cannot_be_cancelled(
    portal: Flask, platform: Platform
) -> None:
    now = platform.now()
    with platform.uow() as uow:
        nationwide = MaintenanceWindow(
            municipality_code=None,
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=2),
        )
        soka = MaintenanceWindow(
            municipality_code="112216",
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=2),
        )
        uow.session.add_all([nationwide, soka])
        uow.commit()
        ids = [nationwide.id, soka.id]
    admin = signed_in(portal, platform)
    page = admin.get(PAGE).get_data(as_text=True)
    assert "全国（センターが告知）" in page  # listed, with no link to cancel it
    for window_id in ids:
        assert admin.get(f"{PAGE}{window_id}/cancel").status_code == 404
        token = csrf(admin, PAGE)
        data = {"csrf_token": token, "confirm": "yes"}
        assert admin.post(f"{PAGE}{window_id}/cancel", data=data).status_code == 404
    assert windows(platform) == 2


def test_a_viewer_reads_the_windows_but_has_no_form_and_cannot_post(
    portal: Flask, platform: Platform
) -> None:
    viewer = signed_in(portal, platform, "viewer@chiyoda")
    page = viewer.get(PAGE)
    assert page.status_code == 200 and 'name="starts"' not in page.text
    starts = next_minute(platform.now()) + timedelta(days=1)
    form = {"starts": typed(starts), "ends": typed(starts + timedelta(hours=1))}
    assert viewer.post(PAGE, data={**form, "csrf_token": csrf(viewer, PAGE)}).status_code == 403
    assert windows(platform) == 0


@pytest.fixture(params=["sqlite", "postgresql"])
def two_processes(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[tuple[Platform, Platform]]:
    """Two platforms on one database, as the portal's process and a centre server's."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with two_platforms(demo_template, tmp_path / "data", url, clock) as both:
        yield both


def test_a_window_announced_in_the_portals_process_reaches_a_server_on_its_next_call(
    two_processes: tuple[Platform, Platform], clock: FakeClock
) -> None:
    portal_side, centre_side = two_processes
    kiosk = kiosk_on(centre_side)
    cards = centre_side.settings.data_dir / "demo" / "cards"
    assert juminhyo_refusal(kiosk, cards) is None  # 千代田区 read and kept by the server

    portal = create_app(
        portal_side.settings.with_overrides(portal_secure_cookies=False), portal_side
    )
    starts = next_minute(portal_side.now()) + timedelta(minutes=5)
    assert (
        announce(signed_in(portal, portal_side), starts, starts + timedelta(hours=1)).status_code
        == 302
    )
    clock.advance((starts - portal_side.now()).total_seconds() + 1)
    assert juminhyo_refusal(kiosk, cards) == "MAINTENANCE"


def test_a_window_posted_twice_is_announced_once(portal: Flask, platform: Platform) -> None:
    admin = signed_in(portal, platform)
    starts = next_minute(platform.now()) + timedelta(days=1)
    assert announce(admin, starts, starts + timedelta(hours=2)).status_code == 302
    again = announce(admin, starts, starts + timedelta(hours=2))
    assert again.status_code == 422 and "MAINTENANCE_ALREADY_ANNOUNCED" in again.text
    assert windows(platform) == 1
    other_kind = announce(admin, starts, starts + timedelta(hours=2), kind="inkan")
    assert other_kind.status_code == 302  # another kind in the same hours is another window

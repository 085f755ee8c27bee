"""Effective-dated offerings from the portal: a fee or an offering scheduled from a date and
time applies at the kiosk from that moment (menu and charge), not before; validated whole,
audited; the preview shows the same menu the kiosk computes."""

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
from issuance.model import CertificateRequest
from issuance.staff.model import AuditEntry
from municipalities.model import CertificateOffering, OfferingChange
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.centres import kiosk_on, two_platforms
from tests.support.kiosk import TestKiosk
from tests.support.portal import csrf, sign_in_demo, staff

PAGE = "/m/131016/services/"
YAMADA = "yamada-taro.json"  # 千代田区
DAYS = ("weekday", "saturday", "holiday")


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str = "admin@chiyoda") -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def typed(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def in_an_hour(platform: Platform) -> datetime:
    return platform.now().replace(second=0, microsecond=0) + timedelta(hours=1)


def schedule(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    form = {
        "kind": "juminhyo",
        "offered": "yes",
        "fee": "350",
        **{
            f"{day}_{end}": at
            for day in DAYS
            for end, at in (("opens", "00:00"), ("closes", "23:59"))
        },
        **fields,
    }
    return client.post(PAGE, data={**form, "csrf_token": csrf(client, PAGE)})


def base_fee(platform: Platform, kind: str = "juminhyo") -> int:
    with platform.uow() as uow:
        offering = uow.session.get(CertificateOffering, ("131016", kind))
        assert offering is not None
        return offering.fee


def changes(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(OfferingChange)) or 0


def menu(kiosk: TestKiosk, cards: Path) -> dict[str, dict]:
    assert kiosk.sign_in(cards / YAMADA).status_code == 200, kiosk.last.json
    return kiosk.menu()


def test_a_fee_changed_from_a_date_is_the_old_one_before_and_the_new_one_from_then(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    old = base_fee(platform)
    assert old != 350
    assert menu(kiosk, cards)["juminhyo"]["fee"] == old  # read (and kept) before the change
    starts = in_an_hour(platform)
    admin = signed_in(portal, platform)
    assert schedule(admin, effective_from=typed(starts), fee="350").status_code == 302
    page = admin.get(PAGE).get_data(as_text=True)
    assert "¥350" in page and f"¥{old:,}" in page and "令和" in page

    assert menu(kiosk, cards)["juminhyo"]["fee"] == old
    clock.advance((starts - platform.now()).total_seconds() + 61)
    assert menu(kiosk, cards)["juminhyo"]["fee"] == 350
    accepted = kiosk.request()
    assert accepted.status_code == 202, accepted.json
    with platform.uow() as uow:
        request = uow.session.get(CertificateRequest, accepted.json["request_id"])
        assert request is not None and request.fee_per_copy == 350
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "offering_schedule")
        ).one()
    assert entry.target_id == "131016/juminhyo"
    assert entry.old is not None and entry.old["fee"] == old
    assert entry.new is not None and entry.new["fee"] == 350
    assert entry.new["effective_from"] == starts.astimezone(JST).isoformat()


def test_a_kind_switched_off_from_a_date_is_not_offered_after_it(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    starts = in_an_hour(platform)
    admin = signed_in(portal, platform)
    assert (
        schedule(admin, kind="inkan", effective_from=typed(starts), offered="no").status_code == 302
    )
    assert menu(kiosk, cards)["inkan"]["available"]
    clock.advance((starts - platform.now()).total_seconds() + 61)
    item = menu(kiosk, cards)["inkan"]
    assert not item["available"] and item["refusal"]["code"] == "NOT_OFFERED"


def test_the_preview_shows_the_menu_at_the_chosen_moment(portal: Flask, platform: Platform) -> None:
    starts = in_an_hour(platform)
    admin = signed_in(portal, platform)
    assert schedule(admin, effective_from=typed(starts), fee="450").status_code == 302
    assert (
        schedule(admin, kind="kazei", effective_from=typed(starts), offered="no").status_code == 302
    )
    before = admin.get(f"{PAGE}preview?at={typed(starts - timedelta(minutes=1))}").text
    after = admin.get(f"{PAGE}preview?at={typed(starts)}").text
    assert "¥450" not in before and "¥450" in after
    assert "NOT_OFFERED" not in before and "交付対象外の証明書</td>" not in before
    assert "交付対象外の証明書 <code>NOT_OFFERED</code>" in after
    assert admin.get(f"{PAGE}preview?at=someday").status_code == 422


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"fee": "10001"}, "FEE_OUT_OF_RANGE"),
        ({"fee": "-1"}, "FEE_OUT_OF_RANGE"),
        ({"fee": "三百"}, "FEE_OUT_OF_RANGE"),
        ({"weekday_opens": "18:00", "weekday_closes": "09:00"}, "HOURS_INVALID"),
        ({"weekday_opens": "25:00"}, "OPENS_INVALID"),
        ({"kind": "passport"}, "KIND_INVALID"),
        ({"offered": "maybe"}, "OFFERED_INVALID"),
        ({"effective_from": "2020-04-01T00:00"}, "OFFERING_IN_PAST"),
        ({"effective_from": ""}, "EFFECTIVE_FROM_INVALID"),
    ],
)
def test_a_change_that_cannot_be_is_refused_with_its_code_and_nothing_is_written(
    portal: Flask, platform: Platform, fields: dict[str, str], code: str
) -> None:
    admin = signed_in(portal, platform)
    answer = schedule(admin, **{"effective_from": typed(in_an_hour(platform)), **fields})
    assert answer.status_code == 422 and f"<code>{code}</code>" in answer.text
    assert changes(platform) == 0


def test_a_viewer_reads_the_settings_and_preview_but_cannot_schedule(
    portal: Flask, platform: Platform
) -> None:
    viewer = signed_in(portal, platform, "viewer@chiyoda")
    page = viewer.get(PAGE)
    assert page.status_code == 200 and 'name="fee"' not in page.text
    assert viewer.get(PAGE + "preview").status_code == 200
    token = csrf(viewer, PAGE)
    form = {"kind": "juminhyo", "fee": "1", "csrf_token": token}
    assert viewer.post(PAGE, data=form).status_code == 403
    assert changes(platform) == 0


@pytest.fixture(params=["sqlite", "postgresql"])
def two_processes(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[tuple[Platform, Platform]]:
    """Two platforms on one database, as the portal's process and a centre server's."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with two_platforms(demo_template, tmp_path / "data", url, clock) as both:
        yield both


def test_a_change_scheduled_in_the_portals_process_reaches_a_server_on_its_next_call(
    two_processes: tuple[Platform, Platform], clock: FakeClock
) -> None:
    portal_side, centre_side = two_processes
    kiosk = kiosk_on(centre_side)
    cards = centre_side.settings.data_dir / "demo" / "cards"
    assert menu(kiosk, cards)["juminhyo"]["fee"] != 1234  # 千代田区 read and kept by the server
    portal = create_app(
        portal_side.settings.with_overrides(portal_secure_cookies=False), portal_side
    )
    starts = in_an_hour(portal_side)
    admin = signed_in(portal, portal_side)
    assert schedule(admin, effective_from=typed(starts), fee="1234").status_code == 302
    clock.advance((starts - portal_side.now()).total_seconds() + 1)
    assert menu(kiosk, cards)["juminhyo"]["fee"] == 1234


def test_an_admin_withdraws_a_change_not_yet_in_effect_after_confirming(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    admin = signed_in(portal, platform)
    starts = in_an_hour(platform)
    assert schedule(admin, effective_from=typed(starts), fee="999").status_code == 302
    later = typed(starts + timedelta(minutes=1))
    assert schedule(admin, effective_from=later, fee="888").status_code == 302
    with platform.uow() as uow:
        first, second = uow.session.scalars(select(OfferingChange.id).order_by(OfferingChange.id))
    url = f"{PAGE}{first}/withdraw"
    token = csrf(admin, url)
    unconfirmed = admin.post(url, data={"csrf_token": token})
    assert unconfirmed.status_code == 200 and "取り消すことを確認しました" in unconfirmed.text
    assert admin.post(url, data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    assert changes(platform) == 1 and "¥999" not in admin.get(PAGE).text
    with platform.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "offering_withdraw")
        ).one()
    assert entry.old is not None and entry.old["fee"] == 999 and entry.new is None

    clock.advance((starts - platform.now()).total_seconds() + 61)
    admin = signed_in(portal, platform)  # signed out meanwhile (idle)
    url = f"{PAGE}{second}/withdraw"
    answer = admin.post(url, data={"csrf_token": csrf(admin, url), "confirm": "yes"})
    assert answer.status_code == 302 and changes(platform) == 1  # in effect: kept
    assert "適用が始まった変更は取り消せません" in admin.get(PAGE).text


def test_another_municipalitys_change_cannot_be_withdrawn(
    portal: Flask, platform: Platform
) -> None:
    admin = signed_in(portal, platform)
    assert schedule(admin, effective_from=typed(in_an_hour(platform))).status_code == 302
    with platform.uow() as uow:
        change_id = uow.session.scalars(select(OfferingChange.id)).one()
    soka = signed_in(portal, platform, "admin@soka")
    assert soka.get(f"/m/112216/services/{change_id}/withdraw").status_code == 404
    assert (
        signed_in(portal, platform, "viewer@chiyoda").get(f"{PAGE}{change_id}/withdraw").status_code
        == 404
    )
    assert changes(platform) == 1


def test_a_form_posted_twice_schedules_one_change_and_says_so(
    portal: Flask, platform: Platform
) -> None:
    """The back button and 変更を予約する again: two changes of one kind from one moment
    would leave it unclear which applies."""
    admin = signed_in(portal, platform)
    moment = typed(in_an_hour(platform))
    assert schedule(admin, effective_from=moment).status_code == 302
    again = schedule(admin, effective_from=moment, fee="400")
    assert again.status_code == 422 and "<code>OFFERING_CHANGE_EXISTS</code>" in again.text
    assert "すでに予約されています" in again.text
    assert changes(platform) == 1


@pytest.mark.parametrize("typed_fee", ["1,200", "¥1,200", "１２００", " 1200 "])
def test_a_fee_typed_as_a_clerk_types_it_reads_as_yen(
    portal: Flask, platform: Platform, typed_fee: str
) -> None:
    admin = signed_in(portal, platform)
    answer = schedule(admin, effective_from=typed(in_an_hour(platform)), fee=typed_fee)
    assert answer.status_code == 302, answer.text[-500:]
    with platform.uow() as uow:
        assert uow.session.scalars(select(OfferingChange.fee)).one() == 1200

"""The tenant walk: every portal route, called by staff of another tenant with real IDs of
the first, answers 404; signed-out visitors go to the sign-in page; undeclared routes are 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from billing.model import BillingPeriod, CounterCount, PeriodStatus
from centre.bootstrap import Platform
from issuance.service_hours import STANDARD_HOURS
from issuance.staff.model import Role
from issuance.staff.services import create_account
from municipalities.bcl_upload_model import BclUpload, UploadState
from municipalities.model import (
    IssuerIdentity,
    MaintenanceWindow,
    Municipality,
    OfferingChange,
    SettingChange,
)
from portal.app import create_app
from portal.guard import PUBLIC, access_of
from tests.support.money import last_month, seed_month
from tests.support.portal import sign_in, sign_in_demo, staff

# Real IDs of the first tenants: 千代田区 (131016) and the operator "seven" (kiosk K0001),
# and 千代田区's maintenance window, scheduled offering change, settings change, issuer identity,
# administrator's account and extract upload (ids set by the fixture), a kind it offers (its
# 見本), and last month's statements of both (closed as a draft by the fixture) with their
# download format; the month is also one the centre could make final (centre pages: 404).
FIRST = {
    "code": "131016",
    "kiosk_id": "K0001",
    "window_id": "0",
    "change_id": "0",
    "setting_id": "0",
    "identity_id": "0",
    "kind": "juminhyo",
    "operator_id": "seven",
    "month": "2000-01",
    "fmt": "csv",
    "account_id": "0",
    "upload_id": "0",
    "incident_id": "0",
}
FIRST_FORM = {
    "operator_id": "seven",
    "kiosk_id": "WALK1",
    "location": "x",
    "confirm": "yes",
    "starts": "2030-01-07T09:00",  # a window that could be announced
    "ends": "2030-01-07T10:00",
    "kind": "juminhyo",  # and an offering change that could be scheduled
    "effective_from": "2030-04-01T00:00",
    "offered": "yes",
    "fee": "300",
    "weekday_opens": "06:30",
    "weekday_closes": "23:00",
    "saturday_closed": "yes",
    "holiday_closed": "yes",
    "koseki_registration_days": "5",  # and a settings change
    "wide_area_tax": "no",
    "mayor_title": "千代田区長",  # and an issuer identity that could be scheduled
    "mayor_name": "巡回　次郎",
    "login": "walker@chiyoda.example.jp",  # a staff member that could be invited
    "display_name": "walk",
    "role": "municipal_admin",
    "backend": "bcl",  # a municipality that could join
    "klass": "city",
    "population": "1000",
    "typed_month": "2026-01",  # a month that could be made final
}
FIRST_MARKS = (
    "K0001",
    "九段南",
    "千代田区の交付状況",
    "巡回　一郎",
    "神田　和也",
    "%PDF",
    "千代田区（131016）",
    "（seven）",
    "千代田区 管理者",
    "admin@chiyoda",
)
LAWSON_SECRET = pyotp.random_base32()


@pytest.fixture
def portal(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Flask:
    now = platform.now()
    with platform.uow() as uow:
        window = MaintenanceWindow(
            municipality_code="131016",
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=1),
            note="walk",
        )
        change = OfferingChange(
            municipality_code="131016",
            kind="juminhyo",
            effective_from=now + timedelta(days=1),
            offered=True,
            fee=300,
            created_at=now,
        )
        change.hours = STANDARD_HOURS
        setting = SettingChange(
            municipality_code="131016",
            effective_from=now + timedelta(days=1),
            koseki_registration_days=3,
            wide_area_tax=True,
            created_at=now,
        )
        identity = IssuerIdentity(
            municipality_code="131016",
            effective_from=now + timedelta(days=1),
            mayor_title="千代田区長",
            mayor_name="巡回　一郎",
            header="",
            seal_png=b"\x89PNG\r\n\x1a\n",
            seal_sha256="0" * 64,
            created_at=now,
        )
        upload = BclUpload(
            id="c0ffee" * 5 + "00",
            municipality_code="131016",
            uploaded_at=now,
            size_bytes=2,
            sha256="0" * 64,
            state=UploadState.REJECTED,
            problems=[{"section": "-", "row": 0, "field": "-", "code": "NOT_JSON"}],
        )
        uow.session.add_all([window, change, setting, identity, upload])
        uow.commit()
        monkeypatch.setitem(FIRST, "identity_id", str(identity.id))
        monkeypatch.setitem(FIRST, "upload_id", upload.id)
        monkeypatch.setitem(FIRST, "window_id", str(window.id))
        monkeypatch.setitem(FIRST, "change_id", str(change.id))
        monkeypatch.setitem(FIRST, "setting_id", str(setting.id))
        admin = uow.staff_accounts.by_login(staff("admin@chiyoda").login)
        assert admin is not None
        monkeypatch.setitem(FIRST, "account_id", str(admin.id))
    monkeypatch.setitem(FIRST, "month", last_month(now))
    seed_month(platform, FIRST["month"])
    app = create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)
    app.config["WTF_CSRF_ENABLED"] = False  # the walk tests tenants, not CSRF
    return app


def routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(endpoint, URL with the first tenant's IDs, methods) for every non-public route."""
    found = []
    for rule in app.url_map.iter_rules():
        if access_of(app, rule.endpoint) is PUBLIC:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{name}>", FIRST[name], url)
        methods = sorted((rule.methods or set()) & {"GET", "POST"})
        found.append((rule.endpoint, url, methods))
    return found


def lawson_staff(client: FlaskClient, platform: Platform) -> FlaskClient:
    with platform.uow() as uow:
        _, password = create_account(
            uow,
            PasswordHasher(),
            login="staff@lawson.example.jp",
            display_name="ローソン",
            role=Role.KIOSK_OPERATOR,
            kiosk_operator_id="lawson",
            totp_secret=LAWSON_SECRET,
            now=platform.now(),
        )
    sign_in(client, "staff@lawson.example.jp", password, LAWSON_SECRET, platform.now())
    return client


def other_tenants(portal: Flask, platform: Platform) -> dict[str, FlaskClient]:
    soka = portal.test_client()
    sign_in_demo(soka, staff("admin@soka"), platform.now())
    return {"soka_admin": soka, "lawson_staff": lawson_staff(portal.test_client(), platform)}


def test_staff_of_another_tenant_get_404_from_every_route_that_takes_an_id(
    portal: Flask, platform: Platform
) -> None:
    walked = 0
    for who, client in other_tenants(portal, platform).items():
        for endpoint, url, methods in routes(portal):
            if endpoint == "auth.logout":
                continue  # would sign the walker out; it takes no ID
            for method in methods:
                data = FIRST_FORM if method == "POST" else None
                response = client.open(url, method=method, data=data)
                body = response.get_data(as_text=True)
                if any(value in url for value in FIRST.values()):
                    assert response.status_code == 404, (who, method, url)
                else:
                    assert response.status_code in (200, 302, 404), (who, method, url)
                    assert not any(mark in body for mark in FIRST_MARKS), (who, method, url)
                walked += 1
    assert walked >= 10
    with platform.uow() as uow:
        assert uow.kiosks.get("WALK1") is None  # nobody registered a kiosk for "seven"
        assert uow.kiosks.get("K0001").active  # type: ignore[union-attr]
        assert uow.session.get(MaintenanceWindow, int(FIRST["window_id"])) is not None
        assert uow.session.query(MaintenanceWindow).count() == 1  # nobody announced one
        assert uow.session.query(OfferingChange).count() == 1  # nor scheduled or withdrew one
        assert uow.session.query(SettingChange).count() == 1  # nor changed a setting
        assert uow.session.query(IssuerIdentity).count() == 1  # nor a mayor, nor a seal
        assert uow.session.query(CounterCount).count() == 0  # nor uploaded counter counts
        assert uow.staff_accounts.by_login("walker@chiyoda.example.jp") is None  # nor invited
        assert uow.staff_accounts.by_login(staff("admin@chiyoda").login).active  # type: ignore[union-attr]
        assert uow.session.get(Municipality, "131016").suspended_at is None  # type: ignore[union-attr]
        period = uow.session.get(BillingPeriod, FIRST["month"])
        assert period is not None and period.status is PeriodStatus.DRAFT  # nor made it final
        assert uow.session.query(BclUpload).count() == 1  # nor uploaded an extract


def test_the_walkers_do_reach_their_own_tenant(portal: Flask, platform: Platform) -> None:
    tenants = other_tenants(portal, platform)
    assert tenants["soka_admin"].get("/m/112216/").status_code == 200
    own = tenants["lawson_staff"].get("/kiosks/")
    assert own.status_code == 200 and "K0002" in own.get_data(as_text=True)
    assert tenants["lawson_staff"].get("/kiosks/K0002/revoke").status_code == 200
    assert tenants["soka_admin"].get("/m/112216/identity/samples/juminhyo.pdf").status_code == 200
    month = FIRST["month"]
    assert tenants["soka_admin"].get(f"/m/112216/statements/{month}/").status_code == 200
    assert tenants["lawson_staff"].get(f"/o/lawson/statements/{month}/").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in_from_every_route(portal: Flask) -> None:
    client = portal.test_client()
    for _, url, methods in routes(portal):
        for method in methods:
            response = client.open(url, method=method, data=FIRST_FORM)
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].endswith("/login")


def test_a_route_registered_without_a_declaration_is_404_for_everyone(
    portal: Flask, platform: Platform
) -> None:
    portal.add_url_rule("/undeclared", "undeclared", lambda: "secret", methods=["GET", "POST"])
    centre = portal.test_client()
    sign_in_demo(centre, staff("operator@centre"), platform.now())
    for client in (centre, portal.test_client()):
        for method in ("GET", "POST"):
            response = client.open("/undeclared", method=method)
            assert response.status_code == 404 and "secret" not in response.get_data(as_text=True)


def test_a_viewer_gets_403_or_404_on_every_post(portal: Flask, platform: Platform) -> None:
    viewer = portal.test_client()
    sign_in_demo(viewer, staff("viewer@chiyoda"), platform.now())
    assert viewer.get("/m/131016/").status_code == 200
    for endpoint, url, _ in routes(portal):
        if endpoint == "auth.logout":
            continue
        assert viewer.post(url, data=FIRST_FORM).status_code in (403, 404), url
    assert viewer.post("/logout").status_code == 302  # signing out changes nothing


def test_every_route_declares_who_may_use_it(portal: Flask) -> None:
    for rule in portal.url_map.iter_rules():
        assert access_of(portal, rule.endpoint) is not None, rule.rule


def test_no_page_shows_a_resident(portal: Flask, platform: Platform) -> None:
    client = portal.test_client()
    sign_in_demo(client, staff("admin@chiyoda"), platform.now())
    body = client.get("/m/131016/").get_data(as_text=True)
    assert not re.search(r"\d{11}", body)  # no 住民票コード
    assert "山田" not in body

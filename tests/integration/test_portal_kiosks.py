"""Kiosks from the portal: registered with a credential shown once, revoked with its sessions;
the municipal overview's figures (aggregates only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from centre.bootstrap import Platform
from issuance.staff.model import AuditEntry
from portal.app import create_app
from tests.support.kiosk import TestKiosk
from tests.support.portal import (
    REFUSED_RESIDENT,
    csrf,
    seed_overview,
    seed_refusals,
    sign_in_demo,
    staff,
)


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str) -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def register(client: FlaskClient, kiosk_id: str, operator: str) -> tuple[int, str]:
    form = {"kiosk_id": kiosk_id, "operator_id": operator, "location": "千代田区役所 2階"}
    response = client.post("/kiosks/new", data={**form, "csrf_token": csrf(client, "/kiosks/new")})
    return response.status_code, response.get_data(as_text=True)


def revoke(client: FlaskClient, kiosk_id: str) -> int:
    token = csrf(client, f"/kiosks/{kiosk_id}/revoke")
    data = {"confirm": "yes", "csrf_token": token}
    return client.post(f"/kiosks/{kiosk_id}/revoke", data=data).status_code


def test_a_centre_operator_registers_a_kiosk_that_works_then_revokes_it(
    portal: Flask, platform: Platform, client: FlaskClient, cards: Path
) -> None:
    staff_client = signed_in(portal, platform, "operator@centre")
    status, page = register(staff_client, "K9001", "chiyoda-hall")
    assert status == 200
    token = re.search(r'id="credential"[^>]*>([^<]+)<', page)
    assert token and token.group(1).startswith("K9001.")
    assert token.group(1) not in staff_client.get("/kiosks/").get_data(as_text=True)
    kiosk = TestKiosk(client, token.group(1))
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    assert kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu").status_code == 200

    assert revoke(staff_client, "K9001") == 302
    assert kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu").status_code == 401
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 401
    with platform.uow() as uow:
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.target_id == "K9001").order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["kiosk_register", "kiosk_revoke"]
        assert entries[1].old == {"revoked_at": None} and entries[1].new["revoked_at"]
        assert token.group(1).split(".")[1] not in repr([(e.old, e.new) for e in entries])


def test_revoking_needs_the_confirmation(portal: Flask, platform: Platform) -> None:
    staff_client = signed_in(portal, platform, "operator@centre")
    token = csrf(staff_client, "/kiosks/K0003/revoke")
    unconfirmed = staff_client.post("/kiosks/K0003/revoke", data={"csrf_token": token})
    assert unconfirmed.status_code == 200 and "失効させることを確認しました" in unconfirmed.text
    with platform.uow() as uow:
        assert uow.kiosks.get("K0003").active  # type: ignore[union-attr]


def test_an_existing_kiosk_id_is_refused_not_rekeyed(portal: Flask, platform: Platform) -> None:
    staff_client = signed_in(portal, platform, "operator@centre")
    with platform.uow() as uow:
        before = uow.kiosks.get("K0001").credential_hash  # type: ignore[union-attr]
    status, page = register(staff_client, "K0001", "seven")
    assert status == 422 and "KIOSK_ID_TAKEN" in page and "この端末IDは登録済みです" in page
    with platform.uow() as uow:
        assert uow.kiosks.get("K0001").credential_hash == before  # type: ignore[union-attr]


def test_a_kiosk_operator_sees_and_registers_only_its_own(
    portal: Flask, platform: Platform
) -> None:
    seven = signed_in(portal, platform, "staff@seven")
    listing = seven.get("/kiosks/").get_data(as_text=True)
    assert "K0001" in listing and "K0002" not in listing
    form = seven.get("/kiosks/new").get_data(as_text=True)
    assert '<option value="seven" selected>' in form  # its only company, already chosen
    assert register(seven, "K9002", "lawson")[0] == 404
    assert register(seven, "K9002", "seven")[0] == 200
    assert seven.get("/kiosks/K0002/revoke").status_code == 404


def test_the_overview_counts_issuances_refusals_alarms_and_maintenance(
    portal: Flask, platform: Platform
) -> None:
    seed_overview(platform)
    page = signed_in(portal, platform, "admin@chiyoda").get("/m/131016/").get_data(as_text=True)
    assert re.search(
        r"住民票の写し</th><td class=\"num\">2件</td><td class=\"num\">2件</td>"
        r"<td class=\"num\">¥2,400</td>",
        page,
    )
    assert re.search(r"課税証明書</th><td class=\"num\">1件", page)
    assert "印鑑登録証明書" not in page  # its print failed: a void event is no issuance
    assert "¥3,600" in page and "システム更新" in page and "令和" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d" title="\d{4}年\d+月\d+日">令和', page)
    assert "1件" in page  # the alarm
    assert "証明書交付センター" in page
    assert re.search(
        r"記録不一致（全国索引）</th><td><code>RECORDS_OUT_OF_SYNC</code></td>"
        r"<td class=\"num\">2件",
        page,
    )
    assert re.search(
        r"証明書の作成時間切れ</th><td><code>RENDER_TIMEOUT</code></td><td class=\"num\">1件", page
    )
    assert REFUSED_RESIDENT not in page


def test_refusal_reasons_are_labelled_in_english_and_an_unknown_code_shows_as_itself(
    portal: Flask, platform: Platform
) -> None:
    seed_refusals(platform, ["MAINTENANCE", "SOMETHING_NEW"])
    client = signed_in(portal, platform, "admin@chiyoda")
    page = client.get("/m/131016/?lang=en").get_data(as_text=True)
    assert re.search(r"Maintenance window</th><td><code>MAINTENANCE</code></td>", page)
    assert re.search(r"SOMETHING_NEW</th><td><code>SOMETHING_NEW</code></td>", page)

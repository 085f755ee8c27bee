"""Staff administration: invited with a single-use link (password and TOTP set by the
invitee), removed (the session ends at its next request), never oneself nor the last
administrator; municipal administrators for their own municipality, centre operators for any."""

from __future__ import annotations

import re

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from centre.bootstrap import Platform
from issuance.staff.model import AuditEntry, Role, StaffAccount
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.portal import csrf, sign_in, sign_in_demo, staff

NEWCOMER = "suzuki@chiyoda.example.jp"
PASSWORD = "kudanminami-2-chome-spring"


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str) -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def invite(
    client: FlaskClient, code: str, login: str, role: str = "municipal_viewer"
) -> tuple[int, str]:
    path = f"/m/{code}/staff/"
    data = {
        "login": login,
        "display_name": "鈴木 花子",
        "role": role,
        "csrf_token": csrf(client, path),
    }
    response = client.post(path, data=data)
    return response.status_code, response.get_data(as_text=True)


def link_in(page: str) -> str:
    found = re.search(r'id="invitation-link"[^>]*>https?://[^/]+(/invitation/[^<]+)<', page)
    assert found, page
    return found.group(1)


def account(platform: Platform, login: str) -> StaffAccount:
    with platform.uow() as uow:
        found = uow.staff_accounts.by_login(login)
        assert found is not None
        uow.session.expunge(found)
        return found


def join(
    client: FlaskClient,
    link: str,
    platform: Platform,
    password: str = PASSWORD,
    code: str | None = None,
):  # type: ignore[no-untyped-def]
    page = client.get(link).get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    assert secret, page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {
        "password": password,
        "password2": password,
        "code": code or pyotp.TOTP(secret.group(1)).at(platform.now()),
        "csrf_token": token,
    }
    return client.post(link, data=data), secret.group(1)


def test_an_invitee_sets_a_password_and_totp_then_signs_in_and_the_link_works_once(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    admin = signed_in(portal, platform, "admin@chiyoda")
    status, page = invite(admin, "131016", NEWCOMER)
    assert status == 200 and "今だけ表示されます" in page
    link = link_in(page)
    listing = admin.get("/m/131016/staff/").get_data(as_text=True)
    assert NEWCOMER in listing and "招待中" in listing and link not in listing
    assert account(platform, NEWCOMER).invited

    newcomer = portal.test_client()
    assert (
        newcomer.post(
            "/login",
            data={"login": NEWCOMER, "password": "x" * 12, "csrf_token": csrf(newcomer, "/login")},
        ).status_code
        == 401
    )
    short, _ = join(newcomer, link, platform, password="short")
    assert short.status_code == 422 and "PASSWORD_TOO_SHORT" in short.get_data(as_text=True)
    wrong, _ = join(newcomer, link, platform, code="000000")
    assert wrong.status_code == 422 and "TOTP_FAILED" in wrong.get_data(as_text=True)
    assert account(platform, NEWCOMER).invited  # nothing written by a refused try

    done, secret = join(newcomer, link, platform)
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert newcomer.get(link).status_code == 404  # single use
    joined = account(platform, NEWCOMER)
    assert not joined.invited and joined.password_hash.startswith("$argon2id$")

    clock.advance(31)  # the next TOTP step: a code is never accepted twice
    fresh = portal.test_client()
    sign_in(fresh, NEWCOMER, PASSWORD, secret, platform.now())
    assert fresh.get("/m/131016/").status_code == 200
    assert fresh.post("/m/131016/maintenance/", data={}).status_code in (400, 403)  # a viewer
    with platform.uow() as uow:
        actions = uow.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.target_id == str(joined.id))
            .order_by(AuditEntry.id)
        ).all()
    assert (
        actions[0] == "staff_invite" and "staff_join" in actions and actions[-1] == "login_success"
    )


def test_an_invitation_link_ends_after_72_hours(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    admin = signed_in(portal, platform, "admin@chiyoda")
    link = link_in(invite(admin, "131016", NEWCOMER)[1])
    assert portal.test_client().get(link).status_code == 200
    clock.advance(72 * 3600 + 1)
    assert portal.test_client().get(link).status_code == 404
    assert portal.test_client().get("/invitation/not-a-link").status_code == 404


def test_bad_input_and_a_second_post_invite_nobody(portal: Flask, platform: Platform) -> None:
    admin = signed_in(portal, platform, "admin@chiyoda")
    status, page = invite(admin, "131016", NEWCOMER, role="centre_operator")
    assert status == 422 and "ROLE_INVALID" in page
    status, page = invite(admin, "131016", "not an email")
    assert status == 422 and "LOGIN_INVALID" in page
    assert invite(admin, "131016", NEWCOMER)[0] == 200
    status, page = invite(admin, "131016", NEWCOMER)
    assert status == 422 and "LOGIN_TAKEN" in page
    with platform.uow() as uow:
        invites = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "staff_invite")
        ).all()
    assert len(invites) == 1


def remove(client: FlaskClient, code: str, account_id: int):  # type: ignore[no-untyped-def]
    path = f"/m/{code}/staff/{account_id}/remove"
    return client.post(path, data={"confirm": "yes", "csrf_token": csrf(client, path)})


def test_removing_a_member_ends_their_session_at_the_next_request(
    portal: Flask, platform: Platform
) -> None:
    viewer = signed_in(portal, platform, "viewer@chiyoda")
    assert viewer.get("/m/131016/").status_code == 200
    admin = signed_in(portal, platform, "admin@chiyoda")
    viewer_id = account(platform, staff("viewer@chiyoda").login).id
    assert admin.get(f"/m/131016/staff/{viewer_id}/remove").status_code == 200
    assert remove(admin, "131016", viewer_id).status_code == 302
    gone = viewer.get("/m/131016/")
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/login")
    after = admin.get("/m/131016/staff/").get_data(as_text=True)
    assert "千代田区 閲覧者を削除しました" in after and staff("viewer@chiyoda").login not in after
    with platform.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "staff_remove")
        ).one()
    assert entry.old["removed_at"] is None and entry.new["removed_at"]  # type: ignore[index]
    assert admin.get(f"/m/131016/staff/{viewer_id}/remove").status_code == 404  # removed


def test_nobody_removes_themselves_nor_the_last_administrator(
    portal: Flask, platform: Platform
) -> None:
    admin = signed_in(portal, platform, "admin@chiyoda")
    admin_id = account(platform, staff("admin@chiyoda").login).id
    remove(admin, "131016", admin_id)
    assert "STAFF_REMOVE_SELF" in admin.get("/m/131016/staff/").get_data(as_text=True)
    centre = signed_in(portal, platform, "operator@centre")
    remove(centre, "131016", admin_id)
    assert "STAFF_LAST_ADMIN" in centre.get("/m/131016/staff/").get_data(as_text=True)
    assert account(platform, staff("admin@chiyoda").login).active
    assert admin.get("/m/131016/").status_code == 200


def test_centre_operators_manage_any_municipalitys_staff_and_others_get_404(
    portal: Flask, platform: Platform
) -> None:
    centre = signed_in(portal, platform, "operator@centre")
    assert centre.get("/m/112216/staff/").status_code == 200
    status, page = invite(centre, "112216", "new@soka.example.jp", role="municipal_admin")
    assert status == 200 and "/invitation/" in page
    assert account(platform, "new@soka.example.jp").role is Role.MUNICIPAL_ADMIN
    assert centre.get("/m/999999/staff/").status_code == 404
    viewer = signed_in(portal, platform, "viewer@chiyoda")
    assert viewer.get("/m/131016/staff/").status_code == 404
    soka = signed_in(portal, platform, "admin@soka")
    assert soka.get("/m/131016/staff/").status_code == 404
    chiyoda_admin = account(platform, staff("admin@chiyoda").login).id
    assert soka.get(f"/m/112216/staff/{chiyoda_admin}/remove").status_code == 404


def test_centre_operators_invite_and_remove_a_kiosk_operators_staff(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    centre = signed_in(portal, platform, "operator@centre")
    path = "/operators/lawson/staff/"
    assert "ローソンの職員" in centre.get(path).get_data(as_text=True)
    data = {
        "login": "ops@lawson.example.jp",
        "display_name": "ローソン 担当",
        "role": "municipal_admin",
    }
    refused = centre.post(path, data={**data, "csrf_token": csrf(centre, path)})
    assert refused.status_code == 422 and "ROLE_INVALID" in refused.get_data(as_text=True)
    data["role"] = "kiosk_operator"
    invited = centre.post(path, data={**data, "csrf_token": csrf(centre, path)})
    link = link_in(invited.get_data(as_text=True))

    newcomer = portal.test_client()
    done, secret = join(newcomer, link, platform)
    assert done.status_code == 302
    clock.advance(31)
    sign_in(newcomer, "ops@lawson.example.jp", PASSWORD, secret, platform.now())
    own = newcomer.get("/kiosks/").get_data(as_text=True)
    assert "K0002" in own and "K0001" not in own  # Lawson's kiosks only

    member = account(platform, "ops@lawson.example.jp")
    removal = f"/operators/lawson/staff/{member.id}/remove"
    assert (
        centre.post(
            removal, data={"confirm": "yes", "csrf_token": csrf(centre, removal)}
        ).status_code
        == 302
    )
    assert newcomer.get("/kiosks/").status_code == 302  # signed out at its next request
    assert centre.get(f"/operators/seven/staff/{member.id}/remove").status_code == 404
    assert centre.get("/operators/nobody/staff/").status_code == 404
    seven = signed_in(portal, platform, "staff@seven")
    assert seven.get("/operators/seven/staff/").status_code == 404  # the centre's job

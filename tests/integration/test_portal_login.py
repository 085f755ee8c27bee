"""Signing in to the portal: generic errors, lockout, CSRF, a new session, idle timeout."""

from __future__ import annotations

import re

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import select

from centre.bootstrap import Platform
from issuance.staff.model import AuditEntry, Role, StaffAccount
from issuance.staff.services import create_account
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.portal import csrf, password_step, sign_in_demo, staff, totp_step

ADMIN = staff("admin@chiyoda")
GENERIC_JA = "ログインIDかパスワードが正しくないか、続けて誤ったためにロックされています"


@pytest.fixture
def portal(platform: Platform) -> Flask:
    settings = platform.settings.with_overrides(portal_secure_cookies=False)
    return create_app(settings, platform)


def audit_actions(platform: Platform) -> list[tuple[str, object]]:
    with platform.uow() as uow:
        rows = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.new) for row in rows]


def test_a_municipal_admin_signs_in_with_password_and_totp(
    portal: Flask, platform: Platform
) -> None:
    client = portal.test_client()
    sign_in_demo(client, ADMIN, platform.now())
    page = client.get("/m/131016/")
    assert page.status_code == 200
    assert "千代田区の交付状況" in page.get_data(as_text=True)
    assert ("login_success", None) in audit_actions(platform)


def test_a_wrong_password_and_an_unknown_login_get_the_same_generic_error(
    portal: Flask,
) -> None:
    client = portal.test_client()
    wrong = password_step(client, ADMIN.login, "not-the-password")
    unknown = password_step(client, "nobody@chiyoda.example.jp", ADMIN.password)
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC_JA in wrong.get_data(as_text=True)
    assert GENERIC_JA in unknown.get_data(as_text=True)


def test_five_failures_lock_the_account_even_against_the_right_password(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    client = portal.test_client()
    for _ in range(5):
        assert password_step(client, ADMIN.login, "wrong").status_code == 401
    locked = password_step(client, ADMIN.login, ADMIN.password)
    assert locked.status_code == 401 and GENERIC_JA in locked.get_data(as_text=True)
    # Generic (no one learns which logins exist), but the page says what five failures do.
    assert "15分間ログインできなくなります" in locked.get_data(as_text=True)
    actions = [action for action, _ in audit_actions(platform)]
    assert actions.count("login_failed") == 5
    assert "account_locked" in actions and actions[-1] == "login_refused_locked"
    assert all(ADMIN.password not in repr(new) for _, new in audit_actions(platform))
    clock.advance(15 * 60 + 1)
    assert password_step(client, ADMIN.login, ADMIN.password).status_code == 302


def test_a_post_without_its_csrf_token_is_refused(portal: Flask) -> None:
    client = portal.test_client()
    refused = client.post("/login", data={"login": ADMIN.login, "password": ADMIN.password})
    assert refused.status_code == 400


def test_the_session_is_new_after_signing_in(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    client = portal.test_client()
    csrf(client, "/login")
    before = client.get_cookie("kofu_portal")
    assert before is not None
    sign_in_demo(client, ADMIN, platform.now())
    after = client.get_cookie("kofu_portal")
    assert after is not None and after.value != before.value
    with client.session_transaction() as session:
        first_sid = session["sid"]
        assert "csrf_token" not in session or session["csrf_token"] != before.value
    other = portal.test_client()
    clock.advance(30)  # the next TOTP step: a code is accepted once
    sign_in_demo(other, ADMIN, platform.now())
    with other.session_transaction() as session:
        assert session["sid"] != first_sid


def test_staff_idle_for_more_than_15_minutes_are_signed_out(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    client = portal.test_client()
    sign_in_demo(client, ADMIN, platform.now())
    clock.advance(14 * 60)
    assert client.get("/m/131016/").status_code == 200  # activity refreshes the timeout
    clock.advance(14 * 60)
    assert client.get("/m/131016/").status_code == 200
    clock.advance(15 * 60 + 1)
    gone = client.get("/m/131016/")
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/login")
    assert client.get("/m/131016/").status_code == 302


def test_every_response_carries_the_security_headers(portal: Flask, platform: Platform) -> None:
    client = portal.test_client()
    for response in (client.get("/login"), client.get("/no-such-page"), client.get("/m/x/")):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookies_are_httponly_lax_and_secure_by_default(platform: Platform) -> None:
    client = create_app(platform=platform).test_client()
    cookie = client.get("/login").headers.get("Set-Cookie", "")
    client.get("/login")
    header = " ".join(
        v for k, v in client.get("/login?lang=en").headers.items() if k == "Set-Cookie"
    )
    for text in (cookie, header):
        assert "HttpOnly" in text and "SameSite=Lax" in text and "Secure" in text


def test_the_first_sign_in_enrols_totp(portal: Flask, platform: Platform) -> None:
    with platform.uow() as uow:
        _, password = create_account(
            uow,
            PasswordHasher(),
            login="new@chiyoda.example.jp",
            display_name="新任",
            role=Role.MUNICIPAL_VIEWER,
            municipality_code="131016",
            now=platform.now(),
        )
    client = portal.test_client()
    assert password_step(client, "new@chiyoda.example.jp", password).status_code == 302
    page = client.get("/login/totp").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    assert secret and "otpauth://totp/" in page and "<svg" in page
    assert totp_step(client, "abcdef").status_code == 401  # not stored on a wrong code
    done = totp_step(client, pyotp.TOTP(secret.group(1)).at(platform.now()))
    assert done.status_code == 302
    with platform.uow() as uow:
        account = uow.session.scalars(
            select(StaffAccount).where(StaffAccount.login == "new@chiyoda.example.jp")
        ).one()
        assert account.totp_secret == secret.group(1)


def test_too_many_attempts_from_one_address_are_refused(platform: Platform) -> None:
    settings = platform.settings.with_overrides(
        portal_secure_cookies=False, portal_login_attempts_per_minute=3
    )
    client = create_app(settings, platform).test_client()
    codes = [password_step(client, ADMIN.login, "wrong").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_english_is_one_click_away_and_remembered(portal: Flask) -> None:
    client = portal.test_client()
    assert 'lang="ja"' in client.get("/login").get_data(as_text=True)
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_a_totp_code_is_accepted_once(portal: Flask, platform: Platform) -> None:
    first = portal.test_client()
    sign_in_demo(first, ADMIN, platform.now())
    again = portal.test_client()
    assert password_step(again, ADMIN.login, ADMIN.password).status_code == 302
    replayed = totp_step(again, ADMIN.code_now(platform.now()))
    assert replayed.status_code == 401 and "確認コードが正しくありません" in replayed.text


def test_signing_out_makes_a_copied_session_cookie_worthless(
    portal: Flask, platform: Platform
) -> None:
    client = portal.test_client()
    sign_in_demo(client, ADMIN, platform.now())
    stolen = portal.test_client()
    cookie = client.get_cookie("kofu_portal")
    assert cookie is not None
    stolen.set_cookie("kofu_portal", cookie.value)
    assert stolen.get("/m/131016/").status_code == 200
    token = csrf(client, "/m/131016/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert stolen.get("/m/131016/").status_code == 302


def test_signing_in_elsewhere_ends_the_earlier_session(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    office = portal.test_client()
    sign_in_demo(office, ADMIN, platform.now())
    clock.advance(30)
    sign_in_demo(portal.test_client(), ADMIN, platform.now())
    assert office.get("/m/131016/").status_code == 302


def test_the_address_a_form_posted_to_leads_back_to_its_page(
    portal: Flask, platform: Platform
) -> None:
    """After a refused form the browser shows the POST address; reloading it or switching
    language opens the page above it, not "page not found" (found by a new user)."""
    client = portal.test_client()
    sign_in_demo(client, staff("admin@chiyoda"), platform.now())
    answer = client.get("/m/131016/usage/counter-counts?lang=en")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/m/131016/usage/?lang=en")
    assert (
        client.get("/m/131016/services/settings/")
        .headers["Location"]
        .endswith("/m/131016/services/")
    )
    other = client.get("/m/112216/usage/counter-counts", follow_redirects=True)
    assert other.status_code == 404  # another municipality's page stays unknown

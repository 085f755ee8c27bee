"""Staff use the portal in Debian's chromium: sign in with TOTP, read the overview, register
and revoke a kiosk. axe-core checks every page; a screenshot of each is kept to look at."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from centre.bootstrap import Platform
from portal.app import create_app
from tests.e2e.test_terminal_browser import ARGS, CHROMIUM
from tests.support.kiosk import TestKiosk
from tests.support.portal import seed_overview, staff

SHOTS = Path("test-output/portal")
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's chromium as a clerk in Japan runs it: Japanese (date and time fields read
    2026/12/08 10:00, not 12/08/2026 10:00 AM; needs chromium-l10n), Japan's time zone."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium; scripts/setup-system.sh)"
        if os.environ.get("KOFU_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-portal-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=[*ARGS, "--lang=ja"],
            env={**os.environ, "LANGUAGE": "ja"},
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            headless=True,
            viewport={"width": 1280, "height": 1024},
        )
        yield context
        context.close()


@pytest.fixture
def portal_url(platform: Platform) -> Iterator[str]:
    """The portal on a loopback port of its own, in a thread (werkzeug: tests only)."""
    from werkzeug.serving import make_server

    app = create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    browser.clear_cookies()
    opened = browser.new_page()
    opened.set_default_timeout(20_000)

    yield opened
    opened.close()


def checked(page: Any, name: str) -> str:
    """Screenshot ``page`` as ``name``.png, assert axe finds nothing serious; its text."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    violations = Axe().run(page).response["violations"]
    blocking = [(v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in BLOCKING]
    assert not blocking, (name, blocking)
    text: str = page.inner_text("body")
    return text


def sign_in(page: Any, url: str, prefix: str, platform: Platform, shots: str) -> None:
    account = staff(prefix)
    page.goto(f"{url}/login")
    checked(page, f"{shots}-1-login")
    page.fill("#login", account.login)
    page.fill("#password", account.password)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/login/totp")
    checked(page, f"{shots}-2-totp")
    page.fill("#code", account.code_now(platform.now()))
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def test_a_municipal_admin_signs_in_and_reads_the_overview(
    page: Any, portal_url: str, platform: Platform
) -> None:
    seed_overview(platform)
    sign_in(page, portal_url, "admin@chiyoda", platform, "municipal")
    page.wait_for_url("**/m/131016/")
    text = checked(page, "municipal-3-overview")
    assert "千代田区の交付状況" in text and "証明書交付センター" in text and "¥2,400" in text
    assert "山田" not in text and "<time" not in text and "令和" in text
    page.click("a.lang")
    english = checked(page, "municipal-4-overview-en")
    assert "Issuance overview" in english
    page.click("header form.logout button")
    page.wait_for_url("**/login")
    assert "You have signed out." in checked(page, "municipal-5-signed-out")


def test_a_centre_operator_registers_and_revokes_a_kiosk(
    page: Any, portal_url: str, platform: Platform, client: FlaskClient, cards: Path
) -> None:
    sign_in(page, portal_url, "operator@centre", platform, "centre")
    page.wait_for_url("**/kiosks/")
    assert "K0001" in checked(page, "centre-3-kiosks")
    page.goto(f"{portal_url}/kiosks/new")
    checked(page, "centre-4-register")
    page.fill("#kiosk_id", "K9100")
    page.select_option("#operator_id", "chiyoda-hall")
    page.fill("#location", "千代田区役所 2階 市民課前")
    page.click("form.form button[type=submit]")
    created = checked(page, "centre-5-credential-once")
    assert "今回だけ表示されます" in created
    token = page.inner_text("#credential").strip()
    assert token.startswith("K9100.")
    assert not set(token.removeprefix("K9100.")) & set("0O1IL")  # nothing to misread
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal_url)
    page.click("button[data-copy=credential]")
    page.wait_for_selector("#copy-status:has-text('コピーしました')")
    assert page.evaluate("navigator.clipboard.readText()") == token

    kiosk = TestKiosk(client, token)  # the kiosk API in-process, on the same database
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200

    page.goto(f"{portal_url}/kiosks/")
    assert token not in checked(page, "centre-6-kiosks-with-new")
    page.goto(f"{portal_url}/kiosks/K9100/revoke")
    checked(page, "centre-7-revoke-confirm")
    page.check("#confirm")
    page.click("button.danger")
    page.wait_for_url("**/kiosks/")
    assert "K9100 を失効させました" in checked(page, "centre-8-revoked")

    assert kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu").status_code == 401
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 401


def test_a_new_account_enrols_its_authenticator_at_the_first_sign_in(
    page: Any, portal_url: str, platform: Platform
) -> None:
    import pyotp
    from argon2 import PasswordHasher

    from issuance.staff.model import Role
    from issuance.staff.services import create_account

    with platform.uow() as uow:
        _, password = create_account(
            uow,
            PasswordHasher(),
            login="new@soka.example.jp",
            display_name="草加市 新任",
            role=Role.MUNICIPAL_ADMIN,
            municipality_code="112216",
            now=platform.now(),
        )
    page.goto(f"{portal_url}/login")
    page.fill("#login", "new@soka.example.jp")
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/login/totp")
    text = checked(page, "enrol-1-qr")
    assert "初回ログインです" in text and "認証アプリの登録" in text
    assert page.locator(".qr svg").bounding_box()["width"] > 100  # the QR code is drawn
    secret = page.inner_text("#totp-secret").strip()
    page.fill("#code", pyotp.TOTP(secret).at(platform.now()))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/m/112216/")
    assert "草加市の交付状況" in checked(page, "enrol-2-overview")

"""A resident opens the status page on a phone in Debian's chromium: all clear, then a window
千代田区 announced in the portal and an incident an operator declared. axe-core checks it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from centre.bootstrap import Platform
from kiosk_api.app import create_app
from municipalities.incidents import IncidentInput, close_incident, open_incident
from tests.conftest import FakeClock
from tests.e2e.test_portal_browser import (  # noqa: F401  (fixtures: chromium, the portal)
    BLOCKING,
    browser,
    checked,
    page,
    portal_url,
    sign_in,
)
from tests.integration.test_portal_maintenance import (
    announce,
    next_minute,
    portal,  # noqa: F401  (fixture: the portal on the same platform)
    signed_in,
)

SHOTS = Path("test-output/status")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def centre_url(platform: Platform) -> Iterator[str]:
    """The centre's HTTP face on a loopback port of its own, in a thread (werkzeug: tests)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(platform=platform), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def shown(browser: Any, url: str, name: str) -> str:  # noqa: F811
    """Open /status at a phone's width, keep a screenshot, assert axe finds nothing serious."""
    from axe_playwright_python.sync_playwright import Axe

    tab = browser.new_page()
    try:
        tab.set_default_timeout(20_000)
        tab.set_viewport_size(PHONE)
        # Each visit its own URL: the page may be cached for 30 s (Cache-Control), as it
        # would be for a resident reloading it.
        tab.goto(f"{url}/status?visit={name}")
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        violations = Axe().run(tab).response["violations"]
        blocking = [
            (v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in BLOCKING
        ]
        assert not blocking, (name, blocking)
        # Nothing wider than the phone: no sideways scrolling to read a line.
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        text: str = tab.inner_text("body")
        return text
    finally:
        tab.close()


def test_a_resident_reads_maintenance_and_an_incident_on_a_phone(
    browser: Any,  # noqa: F811
    centre_url: str,
    portal,  # noqa: F811
    platform: Platform,
    clock: FakeClock,
) -> None:
    clear = shown(browser, centre_url, "1-all-clear")
    assert "障害は発生していません" in clear and "All services are running normally." in clear

    starts = next_minute(platform.now()) + timedelta(days=1)
    admin = signed_in(portal, platform)
    assert (
        announce(admin, starts, starts + timedelta(hours=4), kind="koseki_zenbu").status_code == 302
    )
    with platform.uow() as uow:
        incident = open_incident(
            uow,
            IncidentInput(
                None,
                "一部の店舗で印刷に時間がかかっています。",
                "Printing takes longer than usual in some stores.",
            ),
            platform.now(),
        )
    clock.advance(10)  # past the period the centre keeps the page (kiosk_api/status_views.py)
    affected = shown(browser, centre_url, "2-maintenance-and-incident")
    assert "千代田区" in affected and "戸籍全部事項証明書" in affected
    assert "一部の店舗で印刷に時間がかかっています。" in affected and "全国" in affected

    with platform.uow() as uow:
        close_incident(uow, incident.id, platform.now())
    clock.advance(10)
    closed = shown(browser, centre_url, "3-incident-closed")
    assert "一部の店舗" not in closed and "千代田区" in closed


def test_a_resident_finds_whether_their_town_takes_part(
    browser: Any,  # noqa: F811
    centre_url: str,
) -> None:
    tab = browser.new_page()
    try:
        tab.set_viewport_size(PHONE)
        tab.goto(f"{centre_url}/status?visit=participants")
        assert not tab.is_visible("text=草加市")  # folded until asked
        tab.click("#participants summary")
        tab.wait_for_selector("text=草加市")
        tab.screenshot(path=str(SHOTS / "4-participants.png"), full_page=True)
        listed = tab.inner_text("#participants")
    finally:
        tab.close()
    assert "埼玉県" in listed and "草加市" in listed and "早川町" not in listed  # not taking part


def test_an_operator_declares_an_incident_in_the_portal_and_residents_see_it(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    centre_url: str,
    browser: Any,  # noqa: F811
    platform: Platform,
) -> None:
    sign_in(page, portal_url, "operator@centre", platform, "incidents")
    page.goto(f"{portal_url}/centre/incidents/")
    assert "表示中のお知らせはありません" in checked(page, "incidents-1-none")
    page.fill("#message_ja", "個人番号123456789012の方の証明書を調査中です。")
    page.fill("#message_en", "Investigating a certificate.")
    page.click("form.form button[type=submit]")
    refused = checked(page, "incidents-1b-personal-number-refused")
    assert "STATUS_TEXT_PERSONAL_DATA" in refused and "11桁・12桁の番号" in refused
    page.select_option("#municipality", "131016")
    page.fill("#message_ja", "千代田区の証明書サーバを調査中です。")
    page.fill("#message_en", "The Chiyoda certificate server is being investigated.")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("text=お知らせを表示しました。")
    listed = checked(page, "incidents-2-declared")
    assert "千代田区の証明書サーバを調査中です。" in listed
    public = shown(browser, centre_url, "5-declared-in-the-portal")
    assert "千代田区の証明書サーバを調査中です。" in public

"""A centre operator's day in Debian's chromium: the national view, a municipality suspended
(a kiosk refused) and resumed, a kiosk credential rotated, a tariff file refused then loaded,
a month closed as a draft and made final, a staff member invited who then joins and signs in.
axe-core checks every page; a screenshot of each is kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
from flask.testing import FlaskClient

from centre.bootstrap import Platform
from issuance.calendar import JST
from tests.conftest import FakeClock
from tests.e2e.test_portal_browser import (  # noqa: F401  (fixtures: chromium, the portal)
    browser,
    checked,
    page,
    portal_url,
    sign_in,
)
from tests.support.kiosk import TestKiosk
from tests.support.portal import seed_overview

HEADER = "tariff,subject,certificate_kind,amount,valid_from,valid_until,amortise_years,note\n"


def upload(tab: Any, name: str, text: str) -> None:
    tab.set_input_files(
        "#file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("cp932")}]
    )
    tab.click("form[enctype] button[type=submit]")
    tab.wait_for_load_state()


def test_a_centre_operators_day(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
    clock: FakeClock,
    client: FlaskClient,
    tokens: dict[str, str],
    cards: Path,
) -> None:
    seed_overview(platform)
    sign_in(page, portal_url, "operator@centre", platform, "operator")
    page.wait_for_url("**/centre/")
    national = checked(page, "operator-3-national")
    assert "直近60分の合計 3件" in national and "千代田区" in national
    page.click("a.lang")
    assert "Issuances in the last hour, by minute" in checked(page, "operator-3b-national-en")
    page.click("a.lang")

    # A municipality suspended: the kiosk refuses its resident; then resumed.
    kiosk = TestKiosk(client, tokens["K0001"])
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    page.click("nav >> text=参加団体")
    assert "未参加" in checked(page, "operator-4-municipalities")
    page.click("tr:has-text('千代田区') >> text=休止")
    checked(page, "operator-5-suspend-confirm")
    page.check("#confirm")
    page.click("button.danger")
    page.wait_for_url("**/centre/municipalities/")
    assert "千代田区を休止しました" in checked(page, "operator-6-suspended")
    assert kiosk.menu()["juminhyo"]["refusal"]["code"] == "MUNICIPALITY_SUSPENDED"
    page.click("tr:has-text('千代田区') >> button:has-text('再開')")
    page.wait_for_url("**/centre/municipalities/")
    assert kiosk.menu()["juminhyo"]["available"]

    # A kiosk credential rotated: shown once.
    page.click("nav >> text=端末")
    page.select_option("#operator-filter", "seven")
    page.click("form.inline button[type=submit]")
    assert "K0001" in checked(page, "operator-7-kiosks-seven")
    page.click("tr:has-text('K0001') >> text=認証情報の更新")
    checked(page, "operator-8-rotate-confirm")
    page.check("#confirm")
    page.click("form.form button[type=submit]")
    assert "今回だけ表示されます" in checked(page, "operator-9-rotated")
    assert TestKiosk(client, tokens["K0001"]).sign_in(cards / "yamada-taro.json").status_code == 401

    # A tariff file: refused whole with its report, then loaded.
    page.click("nav >> text=料金表")
    checked(page, "operator-10-tariffs")
    upload(page, "改定.csv", HEADER + "kiosk_fee,131016,juminhyo,abc,2030-04-01,,,春\n")
    report = checked(page, "operator-11-tariff-report")
    assert "NOT_A_NUMBER" in report and "abc" not in report
    upload(page, "改定.csv", HEADER + "kiosk_fee,131016,juminhyo,150,2030-04-01,,,春の値下げ\n")
    assert "料金を1件登録しました" in checked(page, "operator-12-tariffs-loaded")

    # Last month closed: draft, review, final with the month typed.
    today = platform.now().astimezone(JST).date().replace(day=1)
    last = (today - timedelta(days=1)).strftime("%Y-%m")
    page.click("nav >> text=月次締め")
    checked(page, "operator-13-close-open")
    page.click("text=下書きを作る")
    assert "下書きを作りました" in checked(page, "operator-14-close-draft")
    page.click("text=確定へ進む")
    checked(page, "operator-15-close-confirm")
    page.fill("#typed_month", last)
    page.click("button.danger")
    assert "確定しました" in checked(page, "operator-16-close-final")

    # A staff member invited to 草加市, who joins and signs in.
    page.click("nav >> text=参加団体")
    page.click("tr:has-text('草加市') >> text=職員")
    checked(page, "operator-17-staff")
    page.fill("#display_name", "草加 次郎")
    page.fill("#login", "jiro@soka.example.jp")
    page.check("#role-municipal_admin")
    page.click("form.form button[type=submit]")
    invited = checked(page, "operator-18-invited")
    link = page.inner_text("#invitation-link").strip()
    assert "/invitation/" in link and "今だけ表示されます" in invited

    page.goto(portal_url + "/m/112216/staff/")
    assert "jiro@soka.example.jp" in checked(page, "operator-19-staff-invited")
    page.click("header form.logout button")  # the link goes to someone else, elsewhere
    page.wait_for_url("**/login")

    invitee = page
    invitee.goto(link)
    checked(invitee, "invitee-1-join")
    secret = invitee.inner_text("#totp-secret").strip()
    invitee.fill("#password", "soka-city-hall-2nd-floor")
    invitee.fill("#password2", "soka-city-hall-2nd-floor")
    invitee.fill("#code", pyotp.TOTP(secret).at(platform.now()))
    invitee.click("form.form button[type=submit]")
    invitee.wait_for_url("**/login")
    assert "アカウントを設定しました" in checked(invitee, "invitee-2-joined")
    clock.advance(31)
    invitee.fill("#login", "jiro@soka.example.jp")
    invitee.fill("#password", "soka-city-hall-2nd-floor")
    invitee.click("form.form button[type=submit]")
    invitee.wait_for_url("**/login/totp")
    invitee.fill("#code", pyotp.TOTP(secret).at(platform.now()))
    invitee.click("form.form button[type=submit]")
    invitee.wait_for_url("**/m/112216/")
    assert "草加市の交付状況" in checked(invitee, "invitee-3-overview")
    invitee.goto(link)
    assert invitee.locator("h1").inner_text() != "アカウントの設定（招待）"  # used: 404

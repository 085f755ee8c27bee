"""A municipal administrator sets Saturday hours and the municipality's own settings in
Debian's chromium, and sees the kiosk menu preview change at a Saturday moment. axe-core
checks every page; a screenshot of each is kept."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from centre.bootstrap import Platform
from issuance.calendar import JST
from tests.e2e.test_portal_browser import (  # noqa: F401  (fixtures: chromium, the portal)
    browser,
    checked,
    page,
    portal_url,
    sign_in,
)
from tests.integration.test_portal_service_calendar import a_saturday_after

SERVICES = "/m/131016/services/"
OFFERING_FORM = f"form[action='{SERVICES}']"
SETTINGS_FORM = f"form[action='{SERVICES}settings/#settings-new']"


def typed(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def juminhyo_in_preview(tab: Any, at: datetime, shot: str) -> str:
    tab.goto(f"{tab.url.split('?')[0]}?at={typed(at)}")
    checked(tab, shot)
    text: str = tab.locator("table tr", has_text="住民票の写し").first.inner_text()
    return text


def test_an_admin_sets_saturday_hours_and_sees_the_preview_change_on_a_saturday(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
) -> None:
    sign_in(page, portal_url, "admin@chiyoda", platform, "hours")
    starts = platform.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    saturday = datetime.combine(a_saturday_after(starts.astimezone(JST).date()), time(15), JST)
    page.goto(portal_url + SERVICES + "preview")
    before = juminhyo_in_preview(page, saturday, "hours-3-preview-saturday-before")
    assert "交付できます" in before

    page.goto(portal_url + SERVICES)
    services = checked(page, "hours-4-services")
    assert "平日" in services and "土曜" in services and "日曜・祝日" in services
    form = page.locator(OFFERING_FORM)
    form.locator("#kind").select_option("juminhyo")
    form.locator("#effective_from").fill(typed(starts))
    form.locator("#fee").fill("300")
    form.locator("#saturday_opens").fill("09:00")
    form.locator("#saturday_closes").fill("12:00")
    form.locator("#holiday_closed").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url("**" + SERVICES)
    scheduled = checked(page, "hours-5-scheduled")
    assert "変更を予約しました" in scheduled
    row = page.locator("table[aria-labelledby=scheduled] tr", has_text="住民票の写し").inner_text()
    assert "09:00〜12:00" in row and "休止" in row

    page.goto(portal_url + SERVICES + "preview")
    after = juminhyo_in_preview(page, saturday, "hours-6-preview-saturday-after")
    assert "利用時間外" in after and "09:00〜12:00" in after
    assert "この日は「土曜」の利用時間です。" in page.inner_text("main")
    morning = juminhyo_in_preview(page, saturday.replace(hour=10), "hours-7-preview-morning")
    assert "交付できます" in morning
    sunday = juminhyo_in_preview(page, saturday + timedelta(days=1), "hours-8-preview-sunday")
    assert "利用時間外" in sunday and "休止" in sunday


def test_an_admin_schedules_a_registration_delay_and_a_wide_area_opt_out(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
) -> None:
    sign_in(page, portal_url, "admin@chiyoda", platform, "municipal-settings")
    starts = platform.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    page.goto(portal_url + SERVICES)
    form = page.locator(SETTINGS_FORM)
    form.locator("#settings_effective_from").fill(typed(starts))
    form.locator("#koseki_registration_days").fill("99")
    form.evaluate("f => f.noValidate = true")  # what the server says, past the browser's check
    form.locator("button[type=submit]").click()
    refused = checked(page, "municipal-settings-3-error")
    assert "REGISTRATION_DAYS_OUT_OF_RANGE" in refused

    form = page.locator(SETTINGS_FORM)
    form.locator("#koseki_registration_days").fill("5")
    form.locator("#wide-no").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url("**" + SERVICES + "#settings-history")
    listed = checked(page, "municipal-settings-4-scheduled")
    assert "設定の変更を予約しました" in listed and "5開庁日" in listed and "予定" in listed

    page.goto(f"{portal_url}{SERVICES}preview?at={typed(starts)}")
    preview = checked(page, "municipal-settings-5-preview")
    assert "5開庁日" in preview and "参加しない" in preview

    page.goto(portal_url + SERVICES + "?lang=en")
    assert "Sundays and holidays" in checked(page, "municipal-settings-6-services-en")
    page.goto(portal_url + "/m/131016/audit/?lang=ja")
    trail = checked(page, "municipal-settings-7-audit")
    assert "設定の変更予約" in trail and "2開庁日 → 5開庁日" in trail
    assert "参加する → 参加しない" in trail

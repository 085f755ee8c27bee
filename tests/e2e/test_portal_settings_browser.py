"""A municipal administrator runs the service settings in Debian's chromium: schedules a fee
change and previews the kiosk menu at that moment, announces a maintenance window that a
kiosk is then refused inside. axe-core checks every page; a screenshot of each is kept."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from centre.bootstrap import Platform
from issuance.calendar import JST, in_new_year_closure
from tests.conftest import FakeClock
from tests.e2e.test_portal_browser import (  # noqa: F401  (fixtures: chromium, the portal)
    browser,
    checked,
    page,
    portal_url,
    sign_in,
)
from tests.support.kiosk import TestKiosk

SERVICES = "/m/131016/services/"
# The scheduling form (the form above it loads what applies at a moment).
SCHEDULE_BUTTON = f"form[action='{SERVICES}'] button[type=submit]"
MAINTENANCE = "/m/131016/maintenance/"


def typed(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def row(tab: Any, table: str, label: str) -> str:
    text: str = tab.locator(f"{table} tr", has_text=label).first.inner_text()
    return text


def tomorrow_at_ten(now: datetime) -> datetime:
    """10:00 JST on the next day kiosks open (within service hours)."""
    day = now.astimezone(JST).date() + timedelta(days=1)
    while in_new_year_closure(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10), JST)


def test_an_admin_schedules_a_fee_and_sees_the_menu_change_at_that_moment(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
) -> None:
    sign_in(page, portal_url, "admin@chiyoda", platform, "settings")
    page.goto(portal_url + SERVICES)
    before = checked(page, "settings-3-services")
    assert "交付する証明書・手数料・利用時間" in before and "住民票の写し" in before
    starts = tomorrow_at_ten(platform.now())
    page.select_option("#kind", "juminhyo")
    page.fill("#effective_from", typed(starts))
    page.fill("#fee", "1250")
    page.fill("#weekday_opens", "06:30")
    page.fill("#weekday_closes", "23:00")
    page.click(SCHEDULE_BUTTON)
    page.wait_for_url("**" + SERVICES)
    scheduled = checked(page, "settings-4-services-scheduled")
    assert "変更を予約しました" in scheduled and "¥1,250" in scheduled and "令和" in scheduled

    page.click("table >> text=取り消す")
    assert "予約した変更の取消し" in checked(page, "settings-4b-withdraw-confirm")
    page.click("text=戻る")  # kept: the preview below shows it
    page.click("text=住民の見る画面を確認する")
    page.fill("#at", typed(starts - timedelta(minutes=1)))
    page.click("form.form button[type=submit]")
    assert "¥1,250" not in row(page, "table", "住民票の写し")
    checked(page, "settings-5-preview-before")
    page.fill("#at", typed(starts))
    page.click("form.form button[type=submit]")
    after = row(page, "table", "住民票の写し")
    assert "¥1,250" in after and "交付できます" in after
    checked(page, "settings-6-preview-after")

    page.goto(portal_url + SERVICES)
    page.fill("#effective_from", typed(starts))
    page.fill("#fee", "300")
    page.fill("#weekday_opens", "18:00")
    page.fill("#weekday_closes", "09:00")
    page.click(SCHEDULE_BUTTON)
    refused = checked(page, "settings-7-services-error")
    assert "HOURS_INVALID" in refused and "終了時刻は開始時刻より後に" in refused

    page.goto(portal_url + SERVICES + "?lang=en")
    assert "Certificates, fees and hours" in checked(page, "settings-8-services-en")

    page.goto(portal_url + "/m/131016/audit/?lang=ja")
    trail = checked(page, "settings-9-audit")
    assert "交付・手数料の変更予約" in trail and "→ ¥1,250" in trail


def test_an_admin_announces_a_window_and_a_kiosk_is_refused_inside_it(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
    clock: FakeClock,
    kiosk: TestKiosk,
    cards: Path,
) -> None:
    sign_in(page, portal_url, "admin@chiyoda", platform, "maintenance")
    page.goto(portal_url + MAINTENANCE)
    checked(page, "maintenance-3-windows")
    starts = platform.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    page.fill("#starts", typed(starts))
    page.fill("#ends", typed(starts + timedelta(hours=3)))
    page.select_option("#kind", "juminhyo")
    page.fill("#note", "住民記録システムの更新")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**" + MAINTENANCE)
    listed = checked(page, "maintenance-4-announced")
    assert "停止を告知しました" in listed and "住民記録システムの更新" in listed

    page.fill("#starts", typed(starts))
    page.fill("#ends", typed(starts - timedelta(hours=1)))
    page.click("form.form button[type=submit]")
    assert "MAINTENANCE_END_BEFORE_START" in checked(page, "maintenance-5-error")

    page.goto(portal_url + MAINTENANCE)
    page.click("text=取り消す")
    assert "停止の告知の取消し" in checked(page, "maintenance-6-cancel-confirm")
    page.goto(portal_url + MAINTENANCE)  # not cancelled: the kiosk meets it

    clock.advance((starts - platform.now()).total_seconds() + 60)
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    item = kiosk.menu()["juminhyo"]
    assert not item["available"] and item["refusal"]["code"] == "MAINTENANCE"

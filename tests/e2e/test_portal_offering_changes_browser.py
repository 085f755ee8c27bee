"""A municipal administrator schedules a fee change and, later, Saturday hours from an earlier
date, in Debian's chromium: each change keeps only what it changes, the page lists them
(old → new), and changes in effect stay listed below. axe-core checks every page; a
screenshot of each is kept."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

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
from tests.integration.test_portal_service_calendar import a_saturday_after

SERVICES = "/m/131016/services/"
LOAD_FORM = "form[method=get][action$='#new']"
OFFERING_FORM = f"form[action='{SERVICES}']"


def typed(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def schedule(tab: Any, when: datetime, shot: str, **fields: str) -> None:
    """Load what applies to 住民票 at ``when``, type ``fields`` over it, schedule."""
    load = tab.locator(LOAD_FORM)
    load.locator("#load-kind").select_option("juminhyo")
    load.locator("#load-from").fill(typed(when))
    load.locator("button[type=submit]").click()
    tab.wait_for_url("**effective_from=**")
    checked(tab, shot)
    form = tab.locator(OFFERING_FORM)
    assert form.locator("#effective_from").input_value() == typed(when)
    for name, value in fields.items():
        form.locator(f"#{name}").fill(value)
    form.locator("button[type=submit]").click()
    tab.wait_for_url("**" + SERVICES)


def test_an_admin_schedules_a_fee_then_earlier_saturday_hours_and_both_hold(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
    clock: FakeClock,
) -> None:
    sign_in(page, portal_url, "admin@chiyoda", platform, "changes")
    soon = platform.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    saturday = datetime.combine(a_saturday_after(soon.astimezone(JST).date()), time(0), JST)
    later = saturday + timedelta(days=60)
    page.goto(portal_url + SERVICES)
    schedule(page, soon, "changes-3-loaded", fee="250")
    schedule(page, later, "changes-4-loaded-later", fee="300")
    schedule(page, saturday, "changes-5-loaded-saturday", saturday_opens="09:00")
    listed = page.locator("table[aria-labelledby=scheduled]").inner_text()
    checked(page, "changes-6-scheduled")
    assert "手数料：¥250 → ¥300" in listed
    assert "土曜：00:00〜23:59 → 09:00〜23:59" in listed

    clock.advance(2 * 3600)  # the first change is in effect now
    sign_in(page, portal_url, "admin@chiyoda", platform, "changes-again")
    page.goto(portal_url + SERVICES)
    past = page.locator("table[aria-labelledby=past]").inner_text()
    checked(page, "changes-7-history")
    assert "手数料：¥200 → ¥250" in past and "取り消す" not in past

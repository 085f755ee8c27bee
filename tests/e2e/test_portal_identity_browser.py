"""A municipal administrator schedules a new mayor and seal in Debian's chromium, is refused
a hostile SVG with a reason, and reads the 見本 certificates before and after the election
date. axe-core checks every page; a screenshot of each, and the sample images, are kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from centre.bootstrap import Platform
from issuance.calendar import JST
from tests.e2e.test_portal_browser import (  # noqa: F401  (fixtures: chromium, the portal)
    SHOTS,
    browser,
    checked,
    page,
    portal_url,
    sign_in,
)

IDENTITY = "/m/131016/identity/"
SAMPLES = "/m/131016/identity/samples"
SEAL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<rect x="4" y="4" width="92" height="92" rx="4" fill="none" stroke="#c8161d" '
    'stroke-width="7"/><circle cx="50" cy="50" r="28" fill="none" stroke="#c8161d" '
    'stroke-width="9"/><rect x="44" y="22" width="12" height="56" fill="#c8161d"/></svg>'
)
HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" onload="alert(1)">'
    '<rect width="90" height="90"/></svg>'
)


def typed(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def images_loaded(tab: Any) -> None:
    """Scroll every sample into view and wait until each image has decoded."""
    for image in tab.locator("ul.samples img").all():
        image.scroll_into_view_if_needed()
    tab.wait_for_function(
        "() => [...document.querySelectorAll('ul.samples img')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=120_000,
    )
    tab.evaluate("window.scrollTo(0, 0)")


def test_an_admin_schedules_a_new_mayor_and_sees_the_samples_change_at_that_moment(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
    tmp_path: Path,
) -> None:
    sign_in(page, portal_url, "admin@chiyoda", platform, "identity")
    page.goto(portal_url + IDENTITY)
    now_page = checked(page, "identity-3-now")
    assert "神田　和也" in now_page and "自治体名から作成した印影" in now_page

    hostile = tmp_path / "seal.svg"
    hostile.write_text(HOSTILE_SVG, encoding="utf-8")
    starts = platform.now().replace(second=0, microsecond=0) + timedelta(days=3)
    page.fill("#effective_from", typed(starts))
    page.fill("#mayor_name", "新井　次郎")
    page.set_input_files("#seal", str(hostile))
    page.click("form.form button[type=submit]")
    refused = checked(page, "identity-4-hostile-seal")
    assert "SEAL_UNSAFE_SVG" in refused and "スクリプトを動かす属性「onload」" in refused

    seal = tmp_path / "koin.svg"
    seal.write_text(SEAL_SVG, encoding="utf-8")
    page.fill("#effective_from", typed(starts))
    page.fill("#mayor_name", "新井 次郎")
    page.fill("#header", "東京都千代田区役所")
    page.set_input_files("#seal", str(seal))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**" + IDENTITY)
    scheduled = checked(page, "identity-5-scheduled")
    assert "予約しました" in scheduled and "新井　次郎" in scheduled and "予約" in scheduled

    page.click("table >> text=取り下げる")
    assert "発行者の変更予約の取下げ" in checked(page, "identity-6-withdraw-confirm")
    page.click("text=戻る")  # kept: the samples below show it

    page.click("text=証明書の見本を見る")
    page.fill("#at", typed(starts - timedelta(minutes=1)))
    page.click("form.form button[type=submit]")
    images_loaded(page)
    before = checked(page, "identity-7-samples-before")
    assert "神田　和也" in before and "新井" not in before
    page.fill("#at", typed(starts))
    page.click("form.form button[type=submit]")
    images_loaded(page)
    after = checked(page, "identity-8-samples-after")
    assert "新井　次郎" in after and "住民票の写し" in after and "戸籍の附票の写し" in after

    at = typed(starts)
    for kind in ("juminhyo", "inkan", "koseki_zenbu"):
        image = page.request.get(f"{portal_url}{SAMPLES}/{kind}.png?at={at}")
        assert image.ok and image.headers["content-type"] == "image/png"
        (SHOTS / f"identity-sample-{kind}.png").write_bytes(image.body())
    with page.expect_download() as download:
        page.click("text=PDFをダウンロード >> nth=0")
    assert download.value.suggested_filename.startswith("sample-131016-juminhyo-")

    page.goto(portal_url + IDENTITY + "?lang=en")
    assert "Certificate issuer" in checked(page, "identity-9-en")
    page.goto(portal_url + "/m/131016/audit/?lang=ja")
    trail = checked(page, "identity-10-audit")
    assert "発行者の変更予約" in trail and "新井　次郎" in trail and "sha256:" in trail

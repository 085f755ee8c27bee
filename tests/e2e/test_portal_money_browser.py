"""A finance officer of 千代田区 in Debian's chromium: opens last month's statement, downloads
it, uploads counter counts (a bad file first, then a good one), reads the usage charts and
the cost view; a kiosk operator reads its commission statement. axe-core on every page, a
screenshot of each (the charts especially) to look at."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from billing.model import BillingEvent, EventType
from billing.reports.municipal import last_months
from billing.statements import close_month
from billing.tariffs import load_tariffs
from centre.bootstrap import Platform
from issuance.calendar import JST
from municipalities.profiles import SqlMunicipalityProfiles
from tests.e2e.test_portal_browser import (  # noqa: F401  (fixtures: chromium, the portal)
    browser,
    checked,
    page,
    portal_url,
    sign_in,
)

# Certificates a month at 千代田区's kiosks, by kind: growing through the year.
MONTHLY = {"juminhyo": 40, "inkan": 22, "kazei": 9, "koseki_zenbu": 5}
FEES = {"juminhyo": 200, "inkan": 200, "kazei": 300, "koseki_zenbu": 350}


def seed_year(platform: Platform) -> list[str]:
    """Twelve months of issues (one request per certificate), the last month closed (draft)."""
    months = last_months(platform.now().astimezone(JST).date())
    with platform.uow() as uow:
        for m, month in enumerate(months):
            at = datetime.fromisoformat(f"{month}-10T11:00:00+09:00")
            for kind, base in MONTHLY.items():
                for i in range(base + m * base // 8):
                    uow.session.add(
                        BillingEvent(
                            request_id=f"Y{month}{kind}{i}",
                            event_type=EventType.ISSUE,
                            municipality_code="131016",
                            kiosk_id="K0001",
                            operator_id="seven",
                            channel="store",
                            certificate_kind=kind,
                            copies=1,
                            fee_total=FEES[kind],
                            commission_total=117,
                            occurred_at=at,
                            accounting_month=month,
                        )
                    )
        uow.commit()
        tariffs, profiles = load_tariffs(uow), SqlMunicipalityProfiles()
        close_month(uow, months[-1], profiles, tariffs, platform.now())
    return months


def counter_file(path: Path, months: list[str], encoding: str, bad: bool = False) -> Path:
    lines = ["年月,証明書の種類,件数"]
    for i, month in enumerate(months[-6:]):
        lines.append(f"{month},住民票の写し,{210 - i * 12}")
        lines.append(f"{month},印鑑登録証明書,{90 - i * 5}")
    if bad:
        lines += [
            f"{months[-1]},住民票の写し,5",
            f"{months[-1]},旅券,3",
            f"{months[-2]},課税証明書,1,200",
        ]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_a_finance_officer_reads_downloads_uploads_and_reads_the_charts(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
    tmp_path: Path,
) -> None:
    months = seed_year(platform)
    month = months[-1]
    sign_in(page, portal_url, "admin@chiyoda", platform, "money")
    page.click("nav >> text=月次明細")
    listing = checked(page, "money-3-statements")
    assert "下書き（未確定）" in listing
    page.click(f"a[href$='/statements/{month}/']")
    statement = checked(page, "money-4-statement")
    assert "この明細は下書きです" in statement and "× ¥200" in statement

    with page.expect_download() as download:
        page.click("text=CSV（Excel用）")
    saved = tmp_path / "statement.csv"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"\xef\xbb\xbf") and month in saved.read_text("utf-8-sig")

    page.click("nav >> text=利用状況")
    checked(page, "money-5-usage-before-counts")
    page.set_input_files("#file", str(counter_file(tmp_path / "bad.csv", months, "cp932", True)))
    page.click("form.form button[type=submit]")
    report = checked(page, "money-6-upload-report")
    assert "何も登録していません" in report and "DUPLICATE" in report and "KIND_UNKNOWN" in report
    assert "FIELD_COUNT" in report and "旅券" not in report

    page.set_input_files("#file", str(counter_file(tmp_path / "good.csv", months, "cp932")))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/usage/")
    usage = checked(page, "money-7-usage-with-share")
    assert "窓口交付件数を登録しました（新規・変更 12 件）" in usage and "全国 27.6%" in usage
    page.locator("figure.chart-figure").nth(0).screenshot(
        path="test-output/portal/money-chart-kind.png"
    )
    page.locator("figure.chart-figure").nth(1).screenshot(
        path="test-output/portal/money-chart-share.png"
    )

    page.click("nav >> text=費用の比較")
    cost = checked(page, "money-8-cost")
    assert "1通あたり費用" in cost and "従量制" in cost
    page.locator("figure.chart-figure").screenshot(path="test-output/portal/money-chart-cost.png")
    page.click("nav >> text=操作履歴")
    trail = checked(page, "money-8b-audit")
    assert "窓口交付件数の登録" in trail and "件数" in trail
    page.goto(f"{portal_url}/m/131016/statements/{month}/?lang=en")
    assert "Draft (not final)" in checked(page, "money-8c-statement-en")
    page.goto(f"{portal_url}/m/131016/usage/?lang=en")
    english = checked(page, "money-9-usage-en")
    assert "Kiosk share of all issues" in english
    page.locator("figure.chart-figure").nth(0).screenshot(
        path="test-output/portal/money-chart-kind-en.png"
    )


def test_a_kiosk_operator_reads_its_commission_statement(
    page: Any,  # noqa: F811
    portal_url: str,  # noqa: F811
    platform: Platform,
) -> None:
    month = seed_year(platform)[-1]
    sign_in(page, portal_url, "staff@seven", platform, "commission")
    page.click("nav >> text=委託手数料の明細")
    checked(page, "commission-3-statements")
    page.click(f"a[href$='/statements/{month}/']")
    body = checked(page, "commission-4-statement")
    assert "委託手数料（事業者へ）" in body and "× ¥117" in body

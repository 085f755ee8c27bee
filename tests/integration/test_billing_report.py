"""`kofu report cost-structure` and usage from uploaded counter counts (SQLite, small data)."""

from __future__ import annotations

import csv
import math
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from billing.model import BillingEvent, EventType
from billing.reports.national import cost_structure_report
from billing.reports.usage import usage_by, usage_by_hour, usage_by_municipality
from billing.tariffs import TariffBook, fiscal_months
from centre.bootstrap import Platform
from cli.main import main
from issuance.codes import with_check_digit
from municipalities.profiles import SqlMunicipalityProfiles
from tests.support.pdf import pdf_text, squeeze

HAYAKAWA = with_check_digit("19364", "municipality")  # a town of 900 outside the service

SOKA = with_check_digit("11221", "municipality")
KUMIYAMA = with_check_digit("26322", "municipality")
SAPPORO = with_check_digit("01100", "municipality")


def fill_fy2024(platform: Platform) -> None:
    start = datetime(2024, 4, 1, 1, tzinfo=UTC)
    with platform.uow() as uow:
        for n, (code, count) in enumerate(((SOKA, 300), (KUMIYAMA, 20), (SAPPORO, 900))):
            for i in range(count):
                at = start + timedelta(hours=7 * i + n)
                uow.session.add(
                    BillingEvent(
                        request_id=f"r{n}-{i}",
                        event_type=EventType.ISSUE,
                        municipality_code=code,
                        kiosk_id="K0001",
                        operator_id="seven",
                        channel="store",
                        certificate_kind="juminhyo",
                        copies=1,
                        fee_total=200,
                        commission_total=117,
                        occurred_at=at,
                        accounting_month=at.strftime("%Y-%m"),
                    )
                )
        uow.commit()


def test_usage_rates_come_from_uploaded_counter_counts_and_corrections_append(
    platform: Platform,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    fill_fy2024(platform)
    upload = tmp_path / "counts.csv"
    upload.write_text(
        f"municipality_code,month,certificate_kind,count\n{SOKA},2024-05,juminhyo,900\n"
    )
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    runner = CliRunner()
    assert (
        "1 counts recorded"
        in runner.invoke(main, ["billing", "counter-counts", str(upload)], env=env).output
    )
    upload.write_text(
        f"municipality_code,month,certificate_kind,count\n{SOKA},2024-05,juminhyo,700\n"
    )
    runner.invoke(main, ["billing", "counter-counts", str(upload)], env=env)
    assert (
        "0 counts recorded"
        in runner.invoke(main, ["billing", "counter-counts", str(upload)], env=env).output
    )
    with platform.uow() as uow:
        usage = {
            u.code: u
            for u in usage_by_municipality(uow, 2024, SqlMunicipalityProfiles(), TariffBook())
        }
        by_kind = usage_by(uow, fiscal_months(2024), "certificate_kind")
        by_hour = usage_by_hour(uow, fiscal_months(2024))
    # 住民票 only, over the months with a counter count: May's 106 kiosk issues against 700
    # at the counter (not the whole year's 300 kiosk issues against May's counter).
    assert usage[SOKA].counter == 700 and usage[SOKA].kiosk_compared == 106
    assert round(usage[SOKA].rate or 0, 1) == round(100 * 106 / 806, 1)
    assert by_kind == {"juminhyo": 1220} and sum(by_hour.values()) == 1220


def test_the_cost_structure_report_writes_csv_charts_and_a_pdf_with_its_summary(
    platform: Platform,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    fill_fy2024(platform)
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        ["report", "cost-structure", "--fy", "2024", "--out", str(out)],
        env={"KOFU_DATA_DIR": str(settings.data_dir)},
    )
    assert result.exit_code == 0, result.output
    assert "summing the fiscal year's ledger" in result.output  # progress
    assert "従量制（収入中立）" in result.output
    rows = (out / "municipalities.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("code,name,class,population")
    assert {SOKA, KUMIYAMA, SAPPORO} <= {line.split(",")[0] for line in rows}
    assert any(line.startswith(f"{KUMIYAMA},久御山町,town,15000,1–5万,20,20,") for line in rows)
    for chart in (
        "cost_per_issue_vs_population",
        "distribution_by_class_fixed",
        "usage_vs_fee_discount",
    ):
        assert (out / f"{chart}.png").stat().st_size > 1000
        assert (out / f"{chart}.svg").read_text().startswith("<?xml")
    text = pdf_text((out / "cost_structure_fy2024.pdf").read_bytes())
    assert "要約" in text and "2024年度:参加団体" in text and "従量制" in text
    assert "団体区分別の影響" in text and "人口規模別の影響" in text
    assert "effects_by_band.csv" in {p.name for p in out.iterdir()}


def test_the_usage_report_compares_the_kiosk_share_with_the_national_rate(
    platform: Platform,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    fill_fy2024(platform)
    upload = tmp_path / "counts.csv"
    upload.write_text(
        "municipality_code,month,certificate_kind,count\n"
        f"{SOKA},2024-05,juminhyo,700\n{SAPPORO},2025-03,juminhyo,2100\n"
    )
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    runner = CliRunner()
    runner.invoke(main, ["billing", "counter-counts", str(upload)], env=env)
    out = tmp_path / "usage"
    result = runner.invoke(main, ["report", "usage", "--fy", "2024", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    # 住民票 of the same months: 草加 May 106 kiosk + 700 counter, 札幌 March 0 + 2,100.
    assert "利用率" in result.output and "3.6%" in result.output  # 106 of 2,906
    assert "全国 27.6% より -24.0 ポイント" in result.output
    rows = (out / "usage_by_municipality.csv").read_text(encoding="utf-8-sig").splitlines()
    assert any(
        line.startswith(f"{SOKA},草加市,") and ",300,700,106,1,13.2," in line for line in rows
    )
    assert (out / "usage_by_certificate_kind.csv").read_text(encoding="utf-8-sig").splitlines()[
        1
    ] == "juminhyo,1220"
    assert (out / "usage_by_operator.csv").read_text(encoding="utf-8-sig").splitlines()[
        1
    ] == "seven,1220"
    months = (out / "usage_by_month.csv").read_text(encoding="utf-8-sig").splitlines()
    assert months[1].startswith("2024-04,") and len(months) == 13
    hours = (out / "usage_by_hour.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sum(int(line.split(",")[1]) for line in hours[1:]) == 1220
    assert (out / "usage_by_month_and_hour.png").stat().st_size > 1000
    text = pdf_text((out / "usage_fy2024.pdf").read_bytes())
    assert "利用状況" in text and "27.6%" in text and "事業者別" in text


@pytest.mark.parametrize(
    ("option", "value"),
    [("--base-share", "1.5"), ("--base-share", "-0.1"), ("--cap", "-5"), ("--cap", "1000000")],
)
def test_scheme_parameters_beyond_their_meaning_are_refused_before_any_work(
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    option: str,
    value: str,
) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        ["report", "cost-structure", "--fy", "2024", option, value, "--out", str(out)],
        env={"KOFU_DATA_DIR": str(settings.data_dir)},
    )
    assert result.exit_code == 1, result.output
    assert "REPORT_PARAMETER_OUT_OF_RANGE" in result.output and "範囲" in result.output
    assert not out.exists()  # nothing written


def test_a_year_without_issues_still_gets_its_report(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        ["report", "cost-structure", "--fy", "2019", "--out", str(out)],
        env={"KOFU_DATA_DIR": str(settings.data_dir)},
    )
    assert result.exit_code == 0, result.output
    text = pdf_text((out / "cost_structure_fy2019.pdf").read_bytes())
    assert "2019年度" in text and "交付0通" in squeeze(text)
    # No per-issue rate exists: no "¥0/通" and no "5 団体が負担減", but a plain sentence.
    assert "比較するものがありません" in squeeze(text) and "¥0.0/通" not in text
    assert "負担減" not in result.output
    assert (
        len((out / "effects_by_class.csv").read_text(encoding="utf-8-sig").splitlines()) == 1
    )  # header only


def _pages(pdf: Path) -> list[str]:
    """Each page's text as pdftotext reads it (pages end with a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _report(settings, out: Path, *options: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        main,
        ["report", "cost-structure", "--fy", "2024", *options, "--out", str(out)],
        env={"KOFU_DATA_DIR": str(settings.data_dir)},
    )


def test_the_one_page_answer_names_the_winners_and_losers_the_csv_holds(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    fill_fy2024(platform)
    out = tmp_path / "report"
    assert _report(settings, out).exit_code == 0
    metered = [r for r in _rows(out / "effects_by_class.csv") if r["scheme"] == "metered"]
    gainers = sum(int(r["gainers"]) for r in metered)
    losers = sum(int(r["losers"]) for r in metered)
    assert gainers and losers
    pages = _pages(out / "cost_structure_fy2024.pdf")
    shots = Path("test-output/billing")  # every page, for a person to look at
    shots.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            str(out / "cost_structure_fy2024.pdf"),
            str(shots / "cost-structure-testdata"),
        ],
        check=True,
    )
    first = squeeze(pages[0])
    assert "結論" in first and f"負担減{gainers}団体・負担増{losers}団体" in first
    assert "図1" in first
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):  # every page says "n / N ページ"
        assert f"{number} / {len(pages)} ページ" in page
    whole = squeeze("".join(pages))
    assert "前提と出典" in whole and "¥117/通" in whole and "¥1,000,000/年" in whole


def test_a_town_outside_the_service_gets_the_issues_at_which_joining_pays(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    fill_fy2024(platform)
    out = tmp_path / "report"
    assert _report(settings, out, "--counter-minutes", "10", "--staff-cost", "3000").exit_code == 0
    found = {r["code"]: r for r in _rows(out / "break_even.csv")}
    assert SOKA not in found and HAYAKAWA in found
    # By hand: a kiosk issue saves 10 min × ¥3,000/h = ¥500 at the counter, costs the ¥117
    # commission and a ¥2 JPKI check, and the kiosk fee is ¥100 below the counter's (300 − 200):
    # ¥281 a issue. The town class pays ¥1,000,000 a year; no participant of its size tells
    # its own costs, so they are ¥0.
    gain = 10 * 3000 // 60 - 117 - 2 - (300 - 200)
    assert found[HAYAKAWA]["gain_per_issue"] == str(gain)
    assert found[HAYAKAWA]["break_even_fixed"] == str(math.ceil(1_000_000 / gain))
    # The cap (¥300/通) is above the ¥281 gained, so only the fixed amount can be covered;
    # metered at thousands of yen per issue never pays (an empty cell, not 0).
    assert found[HAYAKAWA]["break_even_capped"] == str(math.ceil(1_000_000 / gain))
    assert found[HAYAKAWA]["break_even_metered"] == ""
    text = squeeze(pdf_text((out / "cost_structure_fy2024.pdf").read_bytes()))
    assert "未参加団体" in text and "¥500" in text


def test_a_year_in_progress_is_flagged_as_such(
    platform: Platform,
    tmp_path: Path,
) -> None:
    fill_fy2024(platform)
    out = tmp_path / "report"
    cost_structure_report(
        platform.uow,
        SqlMunicipalityProfiles(),
        2024,
        out,
        ["metered"],
        datetime(2024, 10, 15, 3, tzinfo=UTC),
    )
    text = squeeze(pdf_text((out / "cost_structure_fy2024.pdf").read_bytes()))
    assert "2024年度は年度途中です（2024-10-15時点、7か月目）" in text
    hub = text[text.index("運営主体（J-LIS）の収支") :]  # the hub's balance says so too
    assert "年度途中" in hub and "収入が過大に出ます" in hub
    ended = tmp_path / "ended"
    cost_structure_report(
        platform.uow, SqlMunicipalityProfiles(), 2024, ended, ["metered"], datetime.now(UTC)
    )
    assert "年度途中" not in squeeze(pdf_text((ended / "cost_structure_fy2024.pdf").read_bytes()))


def test_municipalities_without_issues_are_in_the_charts_data(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    fill_fy2024(platform)  # 千代田区 and 横浜市 take part but issue nothing this year
    out = tmp_path / "report"
    assert _report(settings, out).exit_code == 0
    bands = {r["population_band"]: r for r in _rows(out / "contribution_per_issue_by_band.csv")}
    assert int(bands["100万以上"]["without_issues"]) == 1  # 横浜市 (札幌市 issued)
    assert int(bands["5–15万"]["without_issues"]) == 1  # 千代田区
    by_class = {(r["scheme"], r["group"]): r for r in _rows(out / "gains_losses_by_class.csv")}
    assert by_class[("metered", "特別区")]["municipalities"] == "1"
    assert by_class[("metered", "特別区")]["gainers"] == "1"  # pays nothing per issue


def test_the_annual_report_and_the_twelve_statements_agree_to_the_yen(
    platform: Platform,
) -> None:
    """JPKI checks repriced from October: the year's cost is the months' statements summed,
    not every check at April's price."""
    from datetime import date

    from sqlalchemy import func, select

    from billing.model import PartyKind, Statement
    from billing.reports.cost_structure import fiscal_year_costs
    from billing.statements import close_month
    from billing.tariffs import TariffRow, add_tariff, load_tariffs

    fill_fy2024(platform)  # 草加市's 300 issues run from April into July; 札幌市's into 2025
    with platform.uow() as uow:
        add_tariff(uow, TariffRow("jpki_check", "*", "*", 5, date(2024, 6, 1), None, None))
        uow.commit()
        tariffs = load_tariffs(uow)
        profiles = SqlMunicipalityProfiles()
        for month in fiscal_months(2024):
            close_month(uow, month, profiles, tariffs, platform.now())
        costs = {c.code: c for c in fiscal_year_costs(uow, 2024, profiles, tariffs)}
        for code in (SOKA, SAPPORO):
            statements = uow.session.scalar(
                select(func.sum(Statement.jpki_cost)).where(
                    Statement.party_kind == PartyKind.MUNICIPALITY, Statement.party_id == code
                )
            )
            assert costs[code].jpki == statements, code
    assert costs[SAPPORO].jpki > costs[SAPPORO].requests * 2  # some checks at the new price


def test_every_report_csv_opens_in_excel_as_utf8(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    fill_fy2024(platform)
    out = tmp_path / "report"
    assert _report(settings, out).exit_code == 0
    for path in out.glob("*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name  # the BOM


def test_the_hubs_revenue_is_set_against_its_registered_costs_in_every_scenario(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from datetime import date

    from billing.tariffs import TariffRow, add_tariff

    fill_fy2024(platform)
    unknown = tmp_path / "without-costs"
    assert _report(settings, unknown).exit_code == 0
    today = _rows(unknown / "hub_balance.csv")[0]
    assert today["cost"] == "" and today["balance"] == ""  # no guess without a figure
    assert "収入のみを示します" in squeeze(
        pdf_text((unknown / "cost_structure_fy2024.pdf").read_bytes())
    )

    with platform.uow() as uow:
        add_tariff(
            uow, TariffRow("hub_cost_yearly", "hub", "*", 12_000_000, date(2024, 4, 1), None, None)
        )
        add_tariff(
            uow, TariffRow("hub_cost_per_issue", "hub", "*", 10, date(2024, 4, 1), None, None)
        )
        uow.commit()
    out = tmp_path / "report"
    assert _report(settings, out).exit_code == 0
    collected = sum(int(r["contribution"]) for r in _rows(out / "municipalities.csv"))
    issues = sum(int(r["issues"]) for r in _rows(out / "municipalities.csv"))
    rows = _rows(out / "hub_balance.csv")
    fixed = [r for r in rows if r["charging"].startswith("定額")]
    assert int(fixed[0]["revenue"]) == collected and int(fixed[0]["issues"]) == issues
    assert int(fixed[0]["cost"]) == 12_000_000 + 10 * issues
    assert int(fixed[0]["balance"]) == collected - 12_000_000 - 10 * issues
    # Growth: the fixed table collects the same while the per-certificate cost grows; today's
    # metered rate kept collects more with every certificate.
    assert all(int(r["revenue"]) == collected for r in fixed)
    assert int(fixed[-1]["cost"]) > int(fixed[0]["cost"])
    kept = [r for r in rows if r["charging"].endswith("のまま）")]
    assert kept and int(kept[-1]["revenue"]) > collected
    shots = Path("test-output/billing")  # the pages with the hub's balance, to look at
    shots.mkdir(parents=True, exist_ok=True)
    pdf = out / "cost_structure_fy2024.pdf"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(shots / "cost-structure-hub")], check=True
    )
    text = squeeze(pdf_text(pdf.read_bytes()))
    assert "運営主体（J-LIS）の収支" in text and f"¥{12_000_000 + 10 * issues:,}" in text

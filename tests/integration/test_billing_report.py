"""`kofu report cost-structure` and usage from uploaded counter counts (SQLite, small data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from billing.model import BillingEvent, EventType
from billing.reports.usage import usage_by, usage_by_hour, usage_by_municipality
from billing.tariffs import TariffBook, fiscal_months
from centre.bootstrap import Platform
from cli.main import main
from issuance.codes import with_check_digit
from municipalities.profiles import SqlMunicipalityProfiles
from tests.support.pdf import pdf_text, squeeze

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
    assert usage[SOKA].counter == 700 and usage[SOKA].rate == 30.0
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
    rows = (out / "municipalities.csv").read_text().splitlines()
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
    assert "利用率" in result.output and "30.0%" in result.output  # 1,200 of 4,000
    assert "全国 27.6% より +2.4 ポイント" in result.output
    rows = (out / "usage_by_municipality.csv").read_text().splitlines()
    assert any(line.startswith(f"{SOKA},草加市,") and ",300,700,30.0," in line for line in rows)
    assert (out / "usage_by_certificate_kind.csv").read_text().splitlines()[1] == "juminhyo,1220"
    assert (out / "usage_by_operator.csv").read_text().splitlines()[1] == "seven,1220"
    months = (out / "usage_by_month.csv").read_text().splitlines()
    assert months[1].startswith("2024-04,") and len(months) == 13
    hours = (out / "usage_by_hour.csv").read_text().splitlines()
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

"""Money in the portal: a municipality's statements (figures as billing computes them, draft
or final, downloads), counter counts uploaded and validated whole, the usage charts, the cost
view; kiosk operators' commission statements. Another tenant gets 404."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from billing.model import CounterCount, PartyKind
from billing.party_statements import party_statement
from billing.reports.cost_structure import fiscal_year_costs
from billing.reports.municipal import fiscal_year_of
from billing.tariffs import load_tariffs
from centre.bootstrap import Platform
from issuance.staff.model import AuditEntry
from municipalities.profiles import SqlMunicipalityProfiles
from portal.app import create_app
from portal.formatting import yen
from tests.integration.test_portal_tenants import lawson_staff
from tests.support.money import last_month, seed_month
from tests.support.portal import csrf, sign_in_demo, staff

CHIYODA = "131016"
USAGE = f"/m/{CHIYODA}/usage/"
UPLOAD = f"/m/{CHIYODA}/usage/counter-counts"


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


@pytest.fixture
def month(platform: Platform) -> str:
    found = last_month(platform.now())
    seed_month(platform, found)
    return found


def signed_in(portal: Flask, platform: Platform, prefix: str = "admin@chiyoda") -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def rows(body: str) -> dict[str, str]:
    """Each statement table row's text by its data-item, kind and party, tags stripped."""
    found = re.findall(
        r'<tr data-item="([^"]+)"(?: data-kind="([^"]*)" data-party="([^"]*)")?>(.*?)</tr>',
        body,
        re.S,
    )
    return {
        f"{item}:{kind}:{party}": " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for item, kind, party, text in found
    }


def test_the_statement_page_shows_the_figures_billing_computed(
    portal: Flask, platform: Platform, month: str
) -> None:
    client = signed_in(portal, platform)
    listing = client.get(f"/m/{CHIYODA}/statements/").get_data(as_text=True)
    assert "下書き（未確定）" in listing and f"/m/{CHIYODA}/statements/{month}/" in listing
    page = client.get(f"/m/{CHIYODA}/statements/{month}/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    with platform.uow() as uow:
        found = party_statement(uow, month, PartyKind.MUNICIPALITY, CHIYODA)  # type: ignore[arg-type]
        assert found is not None
        s = found.statement
        shown = rows(body)
        assert len(found.lines) == len(
            [
                k
                for k in shown
                if ":" in k
                and k.count(":") == 2
                and not k.startswith(("fees_total", "commission_total", "tax_", "net"))
            ]
        )
        for line in found.lines:
            party = line.operator_id or line.municipality_code or ""
            text = shown[f"{line.section.value}:{line.certificate_kind or ''}:{party}"]
            assert yen(line.amount) in text, (line, text)
            if line.unit_price is not None:
                assert f"{line.quantity:,}" in text and f"× {yen(line.unit_price)}" in text
        assert yen(s.fees_collected) in shown["fees_total::"]
        assert yen(-s.commission) in shown["commission_total::"]
        assert yen(s.net) in shown["net::"]
    # 4 住民票 at ¥200 and 1 課税 at ¥300: count × unit price = amount, as the clerk checks it.
    assert "4 × ¥200 ¥800 非課税" in shown["fees:juminhyo:"]
    assert "1 × ¥300 ¥300 非課税" in shown["fees:kazei:"]
    assert (
        "× ¥117" in shown["commission::seven"] and "課税10%（税込）" in shown["commission::seven"]
    )
    assert "この明細は下書きです" in body and "令和" in body


def test_a_final_statement_is_marked_final(portal: Flask, platform: Platform) -> None:
    month = last_month(platform.now())
    seed_month(platform, month, final=True)
    body = signed_in(portal, platform).get(f"/m/{CHIYODA}/statements/{month}/").get_data(True)
    assert "この明細は確定済みです" in body and "下書き" not in body


def test_the_statement_downloads_as_csv_for_excel_and_as_pdf(
    portal: Flask, platform: Platform, month: str
) -> None:
    client = signed_in(portal, platform, "viewer@chiyoda")  # a viewer may read and download
    csv = client.get(f"/m/{CHIYODA}/statements/{month}/statement.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    text = csv.data.decode("utf-8")
    assert text.startswith("\ufeff明細書番号,対象月,状態")  # a BOM, then Japanese headers
    assert f"{month},下書き,市区町村,{CHIYODA},千代田区" in text
    assert ",交付手数料,住民票の写し,juminhyo,,,4,200,800,非課税," in text
    pdf = client.get(f"/m/{CHIYODA}/statements/{month}/statement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_another_municipality_or_operator_gets_404_for_statements(
    portal: Flask, platform: Platform, month: str
) -> None:
    soka = signed_in(portal, platform, "admin@soka")
    for path in ("", f"{month}/", f"{month}/statement.csv", f"{month}/statement.pdf"):
        assert soka.get(f"/m/{CHIYODA}/statements/{path}").status_code == 404, path
        assert soka.get(f"/o/seven/statements/{path}").status_code == 404, path
    assert soka.get(f"/m/112216/statements/{month}/").status_code == 200  # its own
    lawson = lawson_staff(portal.test_client(), platform)
    assert lawson.get(f"/o/seven/statements/{month}/statement.csv").status_code == 404
    assert lawson.get(f"/m/{CHIYODA}/statements/{month}/").status_code == 404
    own = lawson.get(f"/o/lawson/statements/{month}/").get_data(as_text=True)
    assert "ローソン" in own or "lawson" in own
    assert soka.get("/m/112216/statements/1999-13/").status_code == 404  # no such month


def test_a_kiosk_operator_reads_and_downloads_its_commission_statement(
    portal: Flask, platform: Platform, month: str
) -> None:
    seven = signed_in(portal, platform, "staff@seven")
    listing = seven.get("/o/seven/statements/").get_data(as_text=True)
    assert "委託手数料の月次明細" in listing
    body = seven.get(f"/o/seven/statements/{month}/").get_data(as_text=True)
    shown = rows(body)
    assert "4 × ¥117 -¥468" in shown[f"commission::{CHIYODA}"]  # seven's 3 住民票, 1 課税
    csv = seven.get(f"/o/seven/statements/{month}/statement.csv").data.decode("utf-8")
    assert "seven" in csv and "lawson" not in csv and "ローソン" not in csv
    assert "千代田区 住民票の写し" in csv  # split by municipality


def upload(client: FlaskClient, data: bytes, name: str = "counts.csv"):  # type: ignore[no-untyped-def]
    token = csrf(client, USAGE)
    return client.post(
        UPLOAD,
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def counts(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(CounterCount)) or 0


def test_counter_counts_upload_in_cp932_and_with_bom_and_the_share_appears(
    portal: Flask, platform: Platform, month: str
) -> None:
    client = signed_in(portal, platform)
    cp932 = f'年月,証明書の種類,件数\n{month},住民票の写し,"1,200"\n'.encode("cp932")
    done = upload(client, cp932)
    assert done.status_code == 302
    page = client.get(USAGE).get_data(as_text=True)
    assert "窓口交付件数を登録しました（新規・変更 1 件）" in page
    # 4 kiosk 住民票 against 1,200 at the counter: 4 / 1,204 = 0.3 %.
    assert "0.3%" in page and "1,200" in page and "全国 27.6%" in page
    bom = f"\ufeffmonth,kind,count\n{month},juminhyo,12\n".encode()
    assert upload(client, bom).status_code == 302
    assert "25.0%" in client.get(USAGE).get_data(as_text=True)  # 4 / 16
    assert upload(client, bom).status_code == 302  # the same file again: nothing new
    assert "変更はありません" in client.get(USAGE).get_data(as_text=True)
    assert counts(platform) == 2  # 1,200, then the difference -1,188
    with platform.uow() as uow:
        trail = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "counter_counts_upload")
        ).all()
    assert [(e.old, e.new["counter_count"]) for e in trail] == [  # type: ignore[index]
        (None, 1200),
        ({"month": trail[1].new["month"], "kind": "juminhyo", "counter_count": 1200}, 12),
    ]


COLUMNS = {"month": "年月（month）", "kind": "証明書の種類（kind）", "count": "件数（count）"}
BAD_FILES = [
    ("missing column", b"month,count\n2026-01,5\n", [("1", "kind", "COLUMN_MISSING")]),
    (
        "1,200 unquoted",
        b"month,kind,count\n{m},juminhyo,1,200\n",
        [("2", "—", "FIELD_COUNT")],
    ),
    (
        "duplicates",
        b"month,kind,count\n{m},juminhyo,5\n{m},juminhyo,6\n",
        [("3", "month", "DUPLICATE")],
    ),
    (
        "unknown kind and a bad count",
        b"month,kind,count\n{m},passport,5\n{m},kazei,-3\n{m},inkan,2000000\n",
        [
            ("2", "kind", "KIND_UNKNOWN"),
            ("3", "count", "COUNT_INVALID"),
            ("4", "count", "COUNT_TOO_LARGE"),
        ],
    ),
    (
        "future month",
        b"month,kind,count\n2999-01,juminhyo,5\n",
        [("2", "month", "MONTH_OUT_OF_RANGE")],
    ),
]


@pytest.mark.parametrize(("case", "data", "problems"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_counter_file_is_reported_by_row_and_field_and_records_nothing(
    portal: Flask,
    platform: Platform,
    month: str,
    case: str,
    data: bytes,
    problems: list[tuple[str, str, str]],
) -> None:
    client = signed_in(portal, platform)
    good_row = f"{month},shotoku,7\n".encode()
    refused = upload(client, data.replace(b"{m}", month.encode()) + good_row)
    assert refused.status_code == 422, case
    body = refused.get_data(as_text=True)
    assert "何も登録していません" in body and "COUNTER_COUNT_INVALID" in body
    report = re.findall(
        r'<tr><td class="num">([^<]+)</td><td class="nowrap">([^<]+)</td><td>[^<]+</td>'
        r"<td><code>(\w+)</code>",
        body,
    )
    assert report == [(row, COLUMNS.get(field, field), code) for row, field, code in problems]
    assert "passport" not in body and "2000000" not in body  # the report never echoes values
    assert counts(platform) == 0


def test_a_file_too_large_for_the_portal_is_refused_with_a_message(
    portal: Flask, platform: Platform, month: str
) -> None:
    client = signed_in(portal, platform)
    big = b"month,kind,count\n" + f"{month},juminhyo,1\n".encode() * 5_000
    refused = upload(client, big)
    assert refused.status_code == 413
    assert "ファイルが大きすぎます" in refused.get_data(as_text=True)
    assert counts(platform) == 0


def test_a_viewer_cannot_upload_and_another_municipality_gets_404(
    portal: Flask, platform: Platform, month: str
) -> None:
    viewer = signed_in(portal, platform, "viewer@chiyoda")
    page = viewer.get(USAGE).get_data(as_text=True)
    assert "窓口交付件数の登録" not in page and "<svg" in page
    assert upload_as(viewer, USAGE, UPLOAD).status_code == 403
    soka = signed_in(portal, platform, "admin@soka")
    assert soka.get(USAGE).status_code == 404
    assert upload_as(soka, "/m/112216/usage/", UPLOAD).status_code == 404
    assert counts(platform) == 0


def upload_as(client: FlaskClient, form_page: str, target: str):  # type: ignore[no-untyped-def]
    """Post a valid file to ``target`` with the CSRF token of ``form_page`` (the session's)."""
    file = (io.BytesIO(b"month,kind,count\n2026-01,kazei,1\n"), "a.csv")
    data = {"csrf_token": csrf(client, form_page), "file": file}
    return client.post(target, data=data, content_type="multipart/form-data")


def test_the_usage_chart_carries_titles_axes_and_a_table(
    portal: Flask, platform: Platform, month: str
) -> None:
    body = signed_in(portal, platform).get(USAGE).get_data(as_text=True)
    assert body.count('role="img"') == 2
    assert "コンビニ交付の通数（月別・証明書の種類別）" in body and "交付通数（通）" in body
    assert "住民票の写し 4" in body  # the line's own label at its end
    assert "<table" in body and "利用率（%）" in body


def test_the_cost_view_shows_per_issue_costs_under_each_scheme(
    portal: Flask, platform: Platform, month: str
) -> None:
    fy = fiscal_year_of(date.fromisoformat(f"{month}-01"))
    body = signed_in(portal, platform).get(f"/m/{CHIYODA}/cost/?fy={fy}").get_data(as_text=True)
    with platform.uow() as uow:
        costs = fiscal_year_costs(uow, fy, SqlMunicipalityProfiles(), load_tariffs(uow))  # type: ignore[arg-type]
    own = next(c for c in costs if c.code == CHIYODA)
    assert own.issues and yen(round(own.per_issue())) in body  # type: ignore[arg-type]
    assert yen(own.contribution) in body
    for label in (
        "定額制（現行・団体区分別）",
        "従量制（1通 ¥",
        "併用制（現行額の50%",
        "上限制（1通 ¥300 まで）",
    ):
        assert label in body
    assert "年度（" in body and "令和" in body
    assert signed_in(portal, platform, "admin@soka").get(f"/m/{CHIYODA}/cost/").status_code == 404

"""The centre's operators' pages: municipalities (join, suspend: refused at kiosks), kiosk
credentials rotated, tariffs loaded whole or not at all, the monthly close with its
confirmation, the national view; and nobody else reaches any of them."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from billing.model import BillingEvent, BillingPeriod, EventType, PeriodStatus, Tariff
from centre.bootstrap import Platform, bootstrap
from issuance.calendar import JST
from issuance.codes import with_check_digit
from issuance.staff.model import AuditEntry
from kiosk_api.app import create_app as create_kiosk_app
from municipalities.model import Municipality
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.kiosk import TestKiosk
from tests.support.portal import REFUSED_RESIDENT, csrf, seed_overview, sign_in_demo, staff

CHIYODA = "131016"
HAYAKAWA = with_check_digit("19364", "municipality")  # 早川町: not taking part in the demo
YAMADA = "yamada-taro.json"  # 千代田区, at K0001
CENTRE_PAGES = (
    "/centre/",
    "/centre/municipalities/",
    f"/centre/municipalities/{CHIYODA}/suspend",
    f"/centre/municipalities/{HAYAKAWA}/join",
    "/centre/tariffs/",
    "/centre/close/",
)


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str) -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def post(client: FlaskClient, path: str, data: dict[str, object], form_on: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf(client, form_on or path)})


def audit_actions(platform: Platform, target: str) -> list[str]:
    with platform.uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.target_id == target)
                .order_by(AuditEntry.id)
            )
        )


# Municipalities -------------------------------------------------------------------------


def test_a_suspended_municipalitys_residents_are_refused_at_the_kiosk_until_it_resumes(
    portal: Flask, platform: Platform, client: FlaskClient, tokens: dict[str, str], cards: Path
) -> None:
    centre = signed_in(portal, platform, "operator@centre")
    listing = centre.get("/centre/municipalities/").get_data(as_text=True)
    assert "千代田区" in listing and "参加中" in listing and "未参加" in listing
    kiosk = TestKiosk(client, tokens["K0001"])
    assert kiosk.sign_in(cards / YAMADA).status_code == 200
    assert kiosk.menu()["juminhyo"]["available"]

    unconfirmed = post(centre, f"/centre/municipalities/{CHIYODA}/suspend", {})
    assert unconfirmed.status_code == 200  # the confirmation page again: nothing suspended
    assert kiosk.menu()["juminhyo"]["available"]
    done = post(centre, f"/centre/municipalities/{CHIYODA}/suspend", {"confirm": "yes"})
    assert done.status_code == 302
    refusal = kiosk.menu()["juminhyo"]["refusal"]
    assert refusal["code"] == "MUNICIPALITY_SUSPENDED" and "休止" in refusal["message"]["ja"]
    assert "suspended" in refusal["message"]["en"]
    assert "休止中" in centre.get("/centre/municipalities/?status=suspended").get_data(as_text=True)
    again = post(centre, f"/centre/municipalities/{CHIYODA}/suspend", {"confirm": "yes"})
    assert "ALREADY_SUSPENDED" in centre.get(again.headers["Location"]).get_data(as_text=True)

    post(centre, f"/centre/municipalities/{CHIYODA}/resume", {}, "/centre/municipalities/")
    assert kiosk.menu()["juminhyo"]["available"]
    assert audit_actions(platform, CHIYODA) == ["municipality_suspend", "municipality_resume"]


def test_a_municipality_joins_with_its_backend_class_and_population_checked_whole(
    portal: Flask, platform: Platform
) -> None:
    centre = signed_in(portal, platform, "operator@centre")
    path = f"/centre/municipalities/{HAYAKAWA}/join"
    bad = post(centre, path, {"backend": "bcl", "klass": "town", "population": "九百"})
    assert bad.status_code == 422 and "POPULATION_INVALID" in bad.get_data(as_text=True)
    small = post(centre, path, {"backend": "bcl", "klass": "core_city", "population": "900"})
    assert small.status_code == 422 and "POPULATION_BELOW_CLASS" in small.get_data(as_text=True)
    unknown = post(centre, path, {"backend": "ftp", "klass": "town", "population": "900"})
    assert unknown.status_code == 422 and "BACKEND_INVALID" in unknown.get_data(as_text=True)
    with platform.uow() as uow:
        assert not uow.session.get(Municipality, HAYAKAWA).participating  # type: ignore[union-attr]
    assert (
        post(centre, path, {"backend": "bcl", "klass": "town", "population": "1,012"}).status_code
        == 302
    )
    with platform.uow() as uow:
        joined = uow.session.get(Municipality, HAYAKAWA)
        assert joined is not None and joined.participating and joined.population == 1012
    assert audit_actions(platform, HAYAKAWA) == ["municipality_join"]
    twice = post(centre, path, {"backend": "bcl", "klass": "town", "population": "1012"})
    assert twice.status_code == 422 and "ALREADY_TAKING_PART" in twice.get_data(as_text=True)


# Kiosks ---------------------------------------------------------------------------------


def rotation_form(client: FlaskClient, kiosk_id: str) -> dict[str, object]:
    """The rotation form as the confirmation page fills it (its CSRF token and version)."""
    page = client.get(f"/kiosks/{kiosk_id}/rotate").get_data(as_text=True)
    version = re.search(r'name="version" value="([0-9a-f]+)"', page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert version and token, page
    return {"confirm": "yes", "version": version.group(1), "csrf_token": token.group(1)}


def test_a_rotated_credential_is_shown_once_and_the_old_one_is_refused(
    portal: Flask, platform: Platform, client: FlaskClient, tokens: dict[str, str], cards: Path
) -> None:
    old = TestKiosk(client, tokens["K0001"])
    assert old.sign_in(cards / YAMADA).status_code == 200
    centre = signed_in(portal, platform, "operator@centre")
    listing = centre.get("/kiosks/?operator=seven").get_data(as_text=True)
    assert "K0001" in listing and "K0002" not in listing  # K0002 is Lawson's
    assert "最終利用" in listing and "令和" in listing  # K0001 was just seen

    form = rotation_form(centre, "K0001")
    page = centre.post("/kiosks/K0001/rotate", data=form).get_data(as_text=True)
    token = re.search(r'id="credential"[^>]*>([^<]+)<', page)
    assert token and token.group(1).startswith("K0001.") and token.group(1) != tokens["K0001"]
    assert token.group(1) not in centre.get("/kiosks/").get_data(as_text=True)
    assert old.call("GET", f"/v1/sessions/{old.session_id}/menu").status_code == 401
    assert TestKiosk(client, tokens["K0001"]).sign_in(cards / YAMADA).status_code == 401
    assert TestKiosk(client, token.group(1)).sign_in(cards / YAMADA).status_code == 200
    twice = centre.post("/kiosks/K0001/rotate", data=form)  # the same form again
    assert "KIOSK_ALREADY_ROTATED" in centre.get(twice.headers["Location"]).get_data(as_text=True)
    assert TestKiosk(client, token.group(1)).sign_in(cards / YAMADA).status_code == 200
    assert audit_actions(platform, "K0001") == ["kiosk_rotate"]
    with platform.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "kiosk_rotate")
        ).one()
        assert token.group(1).split(".")[1] not in repr((entry.old, entry.new))


def test_a_kiosk_operator_rotates_its_own_kiosks_only(portal: Flask, platform: Platform) -> None:
    seven = signed_in(portal, platform, "staff@seven")
    assert seven.get("/kiosks/K0002/rotate").status_code == 404
    assert (
        post(seven, "/kiosks/K0002/rotate", {"confirm": "yes"}, "/kiosks/K0001/rotate").status_code
        == 404
    )
    assert seven.post("/kiosks/K0001/rotate", data=rotation_form(seven, "K0001")).status_code == 200


# Tariffs --------------------------------------------------------------------------------

HEADER = "tariff,subject,certificate_kind,amount,valid_from,valid_until,amortise_years,note\n"


def upload(client: FlaskClient, text: str, encoding: str = "cp932"):  # type: ignore[no-untyped-def]
    data = {
        "file": (BytesIO(text.encode(encoding)), "料金改定.csv"),
        "csrf_token": csrf(client, "/centre/tariffs/"),
    }
    return client.post("/centre/tariffs/", data=data, content_type="multipart/form-data")


def test_a_tariff_file_is_loaded_whole_or_not_at_all_with_a_report_naming_no_value(
    portal: Flask, platform: Platform
) -> None:
    centre = signed_in(portal, platform, "operator@centre")
    with platform.uow() as uow:
        before = len(uow.session.scalars(select(Tariff)).all())
    bad = upload(
        centre,
        HEADER
        + "kiosk_fee,131016,juminhyo,150,2030-04-01,,,春の値下げ\n"
        + "kiosk_fe,131016,juminhyo,150,2030-04-01,,,誤記\n"
        + "commission,seven,*,-5,2030-04-01,,,\n"
        + "kiosk_fee,131016,juminhyo,150,2030-13-01,,,\n",
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "何も登録していません" in page
    for line, field, code in (
        ("3", "tariff", "UNKNOWN_TARIFF"),
        ("4", "amount", "TOO_SMALL"),
        ("5", "valid_from", "NOT_A_DATE"),
    ):
        assert re.search(
            rf">{line}</td><td><code>{field}</code></td><td>[^<]+<code>{code}</code>", page
        )
    assert "kiosk_fe," not in page and "-5" not in page and "2030-13-01" not in page
    with platform.uow() as uow:
        assert len(uow.session.scalars(select(Tariff)).all()) == before

    good = HEADER + "kiosk_fee,131016,juminhyo,150,2030-04-01,,,春の値下げ\n"
    assert upload(centre, good).status_code == 302
    listing = centre.get("/centre/tariffs/").get_data(as_text=True)
    assert "春の値下げ" in listing and "¥150" in listing and "令和12年4月1日" in listing
    again = upload(centre, good, "utf-8-sig")
    assert again.status_code == 422 and "TARIFF_FILE_ALREADY_LOADED" in again.get_data(as_text=True)
    with platform.uow() as uow:
        assert len(uow.session.scalars(select(Tariff)).all()) == before + 1
    assert audit_actions(platform, "料金改定.csv") == ["tariff_load"]


# The monthly close ----------------------------------------------------------------------


def months(platform: Platform) -> tuple[str, str, str]:
    """(last month, this month, next month) in JST."""
    today = platform.now().astimezone(JST).date().replace(day=1)
    last = (today - timedelta(days=1)).strftime("%Y-%m")
    following = (today + timedelta(days=32)).strftime("%Y-%m")
    return last, today.strftime("%Y-%m"), following


def test_the_monthly_close_from_draft_to_final_needs_the_month_typed(
    portal: Flask, platform: Platform
) -> None:
    last, this, following = months(platform)
    with platform.uow() as uow:
        at = platform.now().replace(day=1) - timedelta(days=3)
        uow.session.add(
            BillingEvent(
                request_id="CLOSE-1",
                event_type=EventType.ISSUE,
                municipality_code=CHIYODA,
                kiosk_id="K0001",
                operator_id="seven",
                channel="store",
                certificate_kind="juminhyo",
                copies=2,
                fee_total=600,
                commission_total=234,
                occurred_at=at,
                accounting_month=last,
            )
        )
        uow.commit()
    centre = signed_in(portal, platform, "operator@centre")
    assert "未締め" in centre.get(f"/centre/close/?month={last}").get_data(as_text=True)
    drafted = post(centre, f"/centre/close/{last}/draft", {}, f"/centre/close/?month={last}")
    review = centre.get(drafted.headers["Location"]).get_data(as_text=True)
    assert "下書き" in review and "千代田区" in review and "セブン-イレブン" in review
    assert "¥600" in review and "¥234" in review

    final = f"/centre/close/{last}/final"
    assert "確定する" in centre.get(final).get_data(as_text=True)
    wrong = post(centre, final, {"typed_month": this})
    assert wrong.status_code == 422 and "CLOSE_CONFIRM_MISMATCH" in wrong.get_data(as_text=True)
    with platform.uow() as uow:
        assert uow.session.get(BillingPeriod, last).status is PeriodStatus.DRAFT  # type: ignore[union-attr]
    full_width = last.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert (
        post(centre, final, {"typed_month": full_width}).status_code == 302
    )  # as typed in 日本語入力
    with platform.uow() as uow:
        assert uow.session.get(BillingPeriod, last).status is PeriodStatus.FINAL  # type: ignore[union-attr]
    assert "確定" in centre.get(f"/centre/close/?month={last}").get_data(as_text=True)
    again = post(centre, f"/centre/close/{last}/draft", {}, f"/centre/close/?month={this}")
    assert "STATEMENT_FINAL" in centre.get(again.headers["Location"]).get_data(as_text=True)
    assert audit_actions(platform, last) == ["close_draft", "close_final"]


def test_a_future_month_or_an_unended_one_is_refused_with_a_stable_code(
    portal: Flask, platform: Platform
) -> None:
    _, this, following = months(platform)
    centre = signed_in(portal, platform, "operator@centre")
    future = centre.get(f"/centre/close/?month={following}")
    assert future.status_code == 422 and "BILLING_MONTH_NOT_BEGUN" in future.get_data(as_text=True)
    drafted = post(centre, f"/centre/close/{following}/draft", {}, "/centre/close/")
    assert "BILLING_MONTH_NOT_BEGUN" in centre.get(drafted.headers["Location"]).get_data(
        as_text=True
    )
    page = centre.get(f"/centre/close/{this}/final").get_data(as_text=True)
    assert "確定できません" in page and 'name="typed_month"' not in page  # no form to fill in
    unended = post(centre, f"/centre/close/{this}/final", {"typed_month": this}, "/centre/close/")
    assert "BILLING_MONTH_NOT_OVER" in centre.get(unended.headers["Location"]).get_data(
        as_text=True
    )
    with platform.uow() as uow:
        assert uow.session.get(BillingPeriod, following) is None
        assert uow.session.get(BillingPeriod, this) is None


# The national view ----------------------------------------------------------------------


def test_the_national_view_shows_the_last_hour_refusals_and_alarms(
    portal: Flask, platform: Platform
) -> None:
    seed_overview(platform)  # 3 printed now, refusals, an alarm at 千代田区
    centre = signed_in(portal, platform, "operator@centre")
    page = centre.get("/centre/").get_data(as_text=True)
    assert '<svg class="spark" role="img"' in page and "直近60分の合計 3件" in page
    assert re.search(r"RECORDS_OUT_OF_SYNC</code></th><td class=\"num\">2件<", page)
    assert re.search(r"千代田区 <code>131016</code></th><td class=\"num\">1件<", page)
    assert "作成待ちの証明書" in page and REFUSED_RESIDENT not in page
    assert "Issuances per minute" in centre.get("/centre/?lang=en").get_data(as_text=True)


# Nobody else ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff@seven", "admin@chiyoda", "viewer@chiyoda"])
def test_a_kiosk_operator_and_municipal_staff_get_404_on_every_centre_page(
    portal: Flask, platform: Platform, who: str
) -> None:
    client = signed_in(portal, platform, who)
    for path in CENTRE_PAGES:
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"confirm": "yes"}).status_code in (403, 404), path
    assert client.post(
        "/centre/close/2026-01/final", data={"typed_month": "2026-01"}
    ).status_code in (403, 404)


def test_a_suspension_reaches_another_process_on_its_next_call(
    portal: Flask, platform: Platform, clock: FakeClock, tokens: dict[str, str], cards: Path
) -> None:
    elsewhere = bootstrap(platform.settings, clock=clock)  # its own engine and caches
    try:
        kiosk = TestKiosk(create_kiosk_app(platform=elsewhere).test_client(), tokens["K0001"])
        assert kiosk.sign_in(cards / YAMADA).status_code == 200
        assert kiosk.menu()["juminhyo"]["available"]  # 千代田区 now cached over there
        centre = signed_in(portal, platform, "operator@centre")
        post(centre, f"/centre/municipalities/{CHIYODA}/suspend", {"confirm": "yes"})
        assert kiosk.menu()["juminhyo"]["refusal"]["code"] == "MUNICIPALITY_SUSPENDED"
    finally:
        elsewhere.close()

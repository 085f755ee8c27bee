"""Service hours by day class (平日 / 土曜 / 日曜・祝日) and the municipality's own settings
(利用登録 delay, wide-area tax opt-in) scheduled from the portal: the kiosk follows them from
their moment, not before; bad input changes nothing; every change is audited old → new."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from centre.bootstrap import Platform
from centre.database import alembic_config, make_engine
from demo.jpki import TestJpki
from issuance.calendar import JST, in_new_year_closure
from issuance.service_hours import DayClass, day_class
from issuance.staff.model import AuditEntry
from issuance.use_registration import after_business_days
from municipalities.model import OfferingChange, SettingChange
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.centres import kiosk_on, two_platforms
from tests.support.kiosk import TestKiosk
from tests.support.portal import csrf, sign_in_demo, staff

CHIYODA = "/m/131016/services/"
SOKA = "/m/112216/services/"
YAMADA = "yamada-taro.json"  # lives in 千代田区
SUZUKI = "suzuki-ichiro.json"  # lives in 千代田区; 本籍 and 1 January in 草加市
DAYS = ("weekday", "saturday", "holiday")


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str = "admin@chiyoda") -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def typed(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def in_an_hour(platform: Platform) -> datetime:
    return platform.now().replace(second=0, microsecond=0) + timedelta(hours=1)


def schedule_hours(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    """Every day class open 00:00–23:59 unless ``fields`` say otherwise."""
    form = {"kind": "juminhyo", "offered": "yes", "fee": "300"}
    form |= {f"{day}_opens": "00:00" for day in DAYS} | {f"{day}_closes": "23:59" for day in DAYS}
    return client.post(CHIYODA, data={**form, **fields, "csrf_token": csrf(client, CHIYODA)})


def schedule_settings(client: FlaskClient, page: str = SOKA, **fields: str):  # type: ignore[no-untyped-def]
    form = {"koseki_registration_days": "2", "wide_area_tax": "yes", **fields}
    return client.post(page + "settings/", data={**form, "csrf_token": csrf(client, page)})


def go_to(platform: Platform, clock: FakeClock, moment: datetime) -> None:
    """Move the centre's clock to ``moment``; the test CA publishes a CRL valid then."""
    clock.advance((moment - platform.now()).total_seconds())
    TestJpki.load(platform.settings.pki_dir).publish_crl(now=moment)


def signed_in_kiosk(kiosk: TestKiosk, cards: Path, card: str = YAMADA) -> TestKiosk:
    assert kiosk.sign_in(cards / card).status_code == 200, kiosk.last.json
    return kiosk


def a_saturday_after(day: date) -> date:
    """The first plain Saturday (not a holiday, not the New Year) after ``day``."""
    day += timedelta(days=1)
    while day_class(day) is not DayClass.SATURDAY or in_new_year_closure(day):
        day += timedelta(days=1)
    return day


def rows(platform: Platform, table: type) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(table)) or 0


def audit_entry(platform: Platform, action: str) -> AuditEntry:
    with platform.uow() as uow:
        return uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).one()


def test_saturdays_closed_from_next_week_refuse_that_saturday_but_not_today(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    today = platform.now().astimezone(JST).date()
    monday = today + timedelta(days=7 - today.weekday())
    starts = datetime.combine(monday, time(0, 0), JST)
    admin = signed_in(portal, platform)
    answer = schedule_hours(admin, effective_from=typed(starts), saturday_closed="yes")
    assert answer.status_code == 302, answer.text[-400:]
    assert "休止" in admin.get(CHIYODA).text

    accepted = signed_in_kiosk(kiosk, cards).request()
    assert accepted.status_code == 202, accepted.json  # today: the change is not in effect yet

    saturday = datetime.combine(a_saturday_after(monday), time(10, 0), JST)
    go_to(platform, clock, saturday)
    menu = signed_in_kiosk(kiosk, cards).menu()
    assert menu["juminhyo"]["refusal"]["code"] == "OUT_OF_HOURS"
    assert menu["inkan"]["available"]  # another kind keeps its Saturday hours
    refused = kiosk.request()
    assert refused.status_code == 403 and refused.json["error"]["code"] == "OUT_OF_HOURS"
    assert refused.json["error"]["details"]["day_class"] == "saturday"

    go_to(platform, clock, saturday - timedelta(days=1))  # the Friday before: open
    assert signed_in_kiosk(kiosk, cards).request().status_code == 202

    entry = audit_entry(platform, "offering_schedule")
    assert entry.old is not None and entry.old["hours_saturday"] != "closed"
    assert entry.new is not None and entry.new["hours_saturday"] == "closed"
    assert "hours_weekday" not in entry.new  # unchanged: only what changes is recorded


def test_the_preview_at_a_saturday_shows_its_hours(portal: Flask, platform: Platform) -> None:
    starts = in_an_hour(platform)
    admin = signed_in(portal, platform)
    fields = {"saturday_opens": "09:00", "saturday_closes": "17:00"}
    assert schedule_hours(admin, effective_from=typed(starts), **fields).status_code == 302
    saturday = datetime.combine(a_saturday_after(starts.date()), time(18, 0), JST)
    page = admin.get(f"{CHIYODA}preview?at={typed(saturday)}").text
    assert "この日は「土曜」の利用時間です。" in page
    assert "09:00〜17:00" in page and "<code>OUT_OF_HOURS</code>" in page
    early = admin.get(f"{CHIYODA}preview?at={typed(saturday.replace(hour=10))}").text
    assert "<code>OUT_OF_HOURS</code>" not in early


def test_a_longer_registration_delay_from_a_date_sets_the_usable_from_date(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    starts = in_an_hour(platform)
    soka = signed_in(portal, platform, "admin@soka")
    answer = schedule_settings(soka, effective_from=typed(starts), koseki_registration_days="10")
    assert answer.status_code == 302, answer.text[-400:]
    assert "10開庁日" in soka.get(SOKA).text

    go_to(platform, clock, starts + timedelta(minutes=1))
    signed_in_kiosk(kiosk, cards, SUZUKI)
    filed = kiosk.call("POST", f"/v1/sessions/{kiosk.session_id}/use-registrations")
    assert filed.status_code == 201, filed.json
    today = platform.now().astimezone(JST).date()
    assert date.fromisoformat(filed.json["usable_from"]) == after_business_days(today, 10)

    entry = audit_entry(platform, "settings_schedule")
    assert entry.target_id == "112216"
    assert entry.old == {"koseki_registration_days": 2, "wide_area_tax": True}
    assert entry.new is not None and entry.new["koseki_registration_days"] == 10


def test_a_wide_area_opt_out_from_a_date_refuses_the_former_municipalitys_tax_certificate(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    starts = in_an_hour(platform)
    soka = signed_in(portal, platform, "admin@soka")
    assert schedule_settings(soka, effective_from=typed(starts), wide_area_tax="no").status_code
    before = signed_in_kiosk(kiosk, cards, SUZUKI).menu()["kazei"]
    assert (before.get("refusal") or {}).get("code") != "WIDE_AREA_NOT_AVAILABLE"

    go_to(platform, clock, starts)
    signed_in_kiosk(kiosk, cards, SUZUKI)
    assert kiosk.menu()["kazei"]["refusal"]["code"] == "WIDE_AREA_NOT_AVAILABLE"
    refused = kiosk.request({"tax_year": 2025}, certificate="kazei")
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "WIDE_AREA_NOT_AVAILABLE"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"saturday_opens": "18:00", "saturday_closes": "09:00"}, "HOURS_INVALID"),
        ({"holiday_opens": "10:00", "holiday_closes": "10:00"}, "HOURS_INVALID"),
        ({"saturday_opens": ""}, "OPENS_INVALID"),
        ({"holiday_closes": "24:00"}, "CLOSES_INVALID"),
    ],
)
def test_hours_that_cannot_be_are_refused_and_nothing_is_written(
    portal: Flask, platform: Platform, fields: dict[str, str], code: str
) -> None:
    admin = signed_in(portal, platform)
    answer = schedule_hours(admin, effective_from=typed(in_an_hour(platform)), **fields)
    assert answer.status_code == 422 and f"<code>{code}</code>" in answer.text
    assert rows(platform, OfferingChange) == 0


def test_a_day_class_marked_closed_needs_no_times(portal: Flask, platform: Platform) -> None:
    admin = signed_in(portal, platform)
    fields = {"holiday_opens": "", "holiday_closes": "", "holiday_closed": "yes"}
    assert schedule_hours(admin, effective_from=typed(in_an_hour(platform)), **fields).status_code
    with platform.uow() as uow:
        change = uow.session.scalars(select(OfferingChange)).one()
        assert change.holiday_changed and change.hours.holiday is None  # closed from then
        assert not change.saturday_changed  # the times typed are those already in effect


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"koseki_registration_days": "99"}, "REGISTRATION_DAYS_OUT_OF_RANGE"),
        ({"koseki_registration_days": "31"}, "REGISTRATION_DAYS_OUT_OF_RANGE"),
        ({"koseki_registration_days": "-1"}, "REGISTRATION_DAYS_OUT_OF_RANGE"),
        ({"koseki_registration_days": "三"}, "REGISTRATION_DAYS_OUT_OF_RANGE"),
        ({"wide_area_tax": "maybe"}, "WIDE_AREA_TAX_INVALID"),
        ({"effective_from": "2020-04-01T00:00"}, "SETTINGS_IN_PAST"),
        ({"effective_from": ""}, "EFFECTIVE_FROM_INVALID"),
    ],
)
def test_settings_that_cannot_be_are_refused_and_nothing_is_written(
    portal: Flask, platform: Platform, fields: dict[str, str], code: str
) -> None:
    soka = signed_in(portal, platform, "admin@soka")
    answer = schedule_settings(soka, **{"effective_from": typed(in_an_hour(platform)), **fields})
    assert answer.status_code == 422 and f"<code>{code}</code>" in answer.text
    assert rows(platform, SettingChange) == 0
    with platform.uow() as uow:
        assert not uow.session.scalars(select(AuditEntry.action)).all().count("settings_schedule")


def test_full_width_digits_read_as_business_days(portal: Flask, platform: Platform) -> None:
    soka = signed_in(portal, platform, "admin@soka")
    moment = typed(in_an_hour(platform))
    answer = schedule_settings(soka, effective_from=moment, koseki_registration_days="１５")
    assert answer.status_code == 302
    with platform.uow() as uow:
        assert uow.session.scalars(select(SettingChange.koseki_registration_days)).one() == 15


def test_a_settings_form_posted_twice_schedules_one_change(
    portal: Flask, platform: Platform
) -> None:
    soka = signed_in(portal, platform, "admin@soka")
    moment = typed(in_an_hour(platform))
    assert schedule_settings(soka, effective_from=moment, koseki_registration_days="5").status_code
    again = schedule_settings(soka, effective_from=moment, koseki_registration_days="5")
    assert again.status_code == 422 and "<code>SETTINGS_CHANGE_EXISTS</code>" in again.text
    assert rows(platform, SettingChange) == 1


def test_a_viewer_reads_the_settings_but_cannot_change_or_withdraw_them(
    portal: Flask, platform: Platform
) -> None:
    admin = signed_in(portal, platform)
    assert schedule_settings(admin, CHIYODA, effective_from=typed(in_an_hour(platform))).status_code
    with platform.uow() as uow:
        setting_id = uow.session.scalars(select(SettingChange.id)).one()
    viewer = signed_in(portal, platform, "viewer@chiyoda")
    page = viewer.get(CHIYODA).text
    assert "利用登録から戸籍証明書の交付までの日数" in page
    assert 'name="koseki_registration_days"' not in page
    answer = viewer.post(
        CHIYODA + "settings/",
        data={"koseki_registration_days": "0", "csrf_token": csrf(viewer, CHIYODA)},
    )
    assert answer.status_code == 403
    assert viewer.get(f"{CHIYODA}settings/{setting_id}/withdraw").status_code == 404
    assert rows(platform, SettingChange) == 1


def test_an_admin_withdraws_a_settings_change_after_confirming(
    portal: Flask, platform: Platform
) -> None:
    soka = signed_in(portal, platform, "admin@soka")
    moment = typed(in_an_hour(platform))
    assert schedule_settings(soka, effective_from=moment, koseki_registration_days="7").status_code
    with platform.uow() as uow:
        setting_id = uow.session.scalars(select(SettingChange.id)).one()
    url = f"{SOKA}settings/{setting_id}/withdraw"
    token = csrf(soka, url)
    unconfirmed = soka.post(url, data={"csrf_token": token})
    assert unconfirmed.status_code == 200 and "取り消すことを確認しました" in unconfirmed.text
    assert soka.post(url, data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    assert rows(platform, SettingChange) == 0
    entry = audit_entry(platform, "settings_withdraw")
    assert entry.old is not None and entry.old["koseki_registration_days"] == 7
    trail = soka.get("/m/112216/audit/").text
    assert "設定変更予約の取消し" in trail and "利用登録から戸籍証明書の交付までの日数" in trail


def test_the_page_shows_weekday_saturday_and_sunday_holiday_hours(
    portal: Flask, platform: Platform
) -> None:
    page = signed_in(portal, platform, "viewer@chiyoda").get(CHIYODA).text
    assert page.index('<th scope="col">平日</th>') < page.index('<th scope="col">土曜</th>')
    assert '<th scope="col">日曜・祝日</th>' in page


@pytest.fixture(params=["sqlite", "postgresql"])
def two_processes(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[tuple[Platform, Platform]]:
    """Two platforms on one database, as the portal's process and a centre server's."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with two_platforms(demo_template, tmp_path / "data", url, clock) as both:
        yield both


def test_a_setting_scheduled_in_the_portals_process_reaches_a_server_on_its_next_call(
    two_processes: tuple[Platform, Platform], clock: FakeClock
) -> None:
    portal_side, centre_side = two_processes
    kiosk = kiosk_on(centre_side)
    cards = centre_side.settings.data_dir / "demo" / "cards"
    before = signed_in_kiosk(kiosk, cards, SUZUKI).menu()["kazei"]  # 草加市 read and kept
    assert (before.get("refusal") or {}).get("code") != "WIDE_AREA_NOT_AVAILABLE"
    portal = create_app(
        portal_side.settings.with_overrides(portal_secure_cookies=False), portal_side
    )
    starts = in_an_hour(portal_side)
    soka = signed_in(portal, portal_side, "admin@soka")
    assert schedule_settings(soka, effective_from=typed(starts), wide_area_tax="no").status_code
    go_to(centre_side, clock, starts)
    menu = signed_in_kiosk(kiosk, cards, SUZUKI).menu()
    assert menu["kazei"]["refusal"]["code"] == "WIDE_AREA_NOT_AVAILABLE"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_keeps_weekdays_only_as_saturdays_and_holidays_closed(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'kofu.sqlite3'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    command.upgrade(alembic_config(url), "0014_offering_changes")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO municipalities_municipality (code, name, prefecture, "
                "municipality_class, population, participating, backend_kind, backend_settings, "
                "mayor_title, mayor_name, wide_area_tax, koseki_registration_days) VALUES "
                "('112216', '草加市', '埼玉県', 'city', 1, TRUE, 'bcl', '{}', '草加市長', 'x', "
                "TRUE, 2)"
            )
        )
        for kind, weekdays_only in (("juminhyo", False), ("koseki_zenbu", True)):
            connection.execute(
                text(
                    "INSERT INTO municipalities_certificate_offering (municipality_code, kind, "
                    "offered, fee, opens, closes, weekdays_only) VALUES "
                    "('112216', :kind, TRUE, 300, '08:30:00', '17:15:00', :only)"
                ),
                {"kind": kind, "only": weekdays_only},
            )
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as connection:
        found = {
            kind: (weekday, saturday, holiday)
            for kind, weekday, saturday, holiday in connection.execute(
                text(
                    "SELECT kind, weekday_opens, saturday_opens, holiday_closes "
                    "FROM municipalities_certificate_offering"
                )
            )
        }
    engine.dispose()
    as_time = {k: tuple(v if v is None else str(v)[:5] for v in row) for k, row in found.items()}
    assert as_time["juminhyo"] == ("08:30", "08:30", "17:15")
    assert as_time["koseki_zenbu"] == ("08:30", None, None)

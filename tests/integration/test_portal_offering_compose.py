"""A scheduled offering change records only what the clerk changed, and the offering at a
moment is the base with every change in effect by then applied in date order, field by field:
a fee change scheduled first does not bring back, months later, the Saturday hours of the day
it was scheduled. The services page lists what each change changes, and keeps the changes
already in effect."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from itertools import permutations
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from centre.bootstrap import Platform
from centre.database import alembic_config, make_engine
from issuance.calendar import JST, in_new_year_closure
from issuance.model import KIND_LABELS, CertificateKind
from issuance.service_hours import STANDARD_HOURS, DayClass, day_class
from issuance.staff.model import AuditEntry
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.directory import read_info
from municipalities.model import CertificateOffering, OfferingChange
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.portal import csrf, sign_in_demo, staff

PAGE = "/m/131016/services/"
DAYS = ("weekday", "saturday", "holiday")


@pytest.fixture
def portal(platform: Platform) -> Flask:
    """The portal, with 住民票 at 千代田区 open 06:30–23:00 every day as in the demo (the
    test data opens every kind all day)."""
    with platform.uow() as uow:
        offering = uow.session.get(CertificateOffering, ("131016", "juminhyo"))
        assert offering is not None and offering.fee == 200
        offering.hours = STANDARD_HOURS
        uow.commit()
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform) -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff("admin@chiyoda"), platform.now())
    return client


def typed(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def prefilled(client: FlaskClient, when: datetime, kind: str = "juminhyo") -> dict[str, str]:
    """The schedule form as the page fills it after "読み込む" for ``kind`` at ``when``."""
    page = client.get(PAGE, query_string={"kind": kind, "effective_from": typed(when)}).text
    form = page.split('id="new"')[1].split("</form>")[1]  # the second form: scheduling
    values = {"kind": kind, "effective_from": typed(when)}
    for name in ("fee", *(f"{d}_{end}" for d in DAYS for end in ("opens", "closes"))):
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', form)
        assert found is not None, name
        values[name] = found.group(1)
    for d in DAYS:
        if re.search(rf'name="{d}_closed" value="yes" checked', form):
            values[f"{d}_closed"] = "yes"
    offered = re.search(r'name="offered" value="(yes|no)" checked', form)
    assert offered is not None
    values["offered"] = offered.group(1)
    return values


def schedule(client: FlaskClient, when: datetime, **fields: str):  # type: ignore[no-untyped-def]
    """What a clerk does: load what applies to 住民票 at ``when``, type ``fields`` over it,
    schedule."""
    form = prefilled(client, when) | fields
    return client.post(PAGE, data={**form, "csrf_token": csrf(client, PAGE)})


def plain_saturday(after: date) -> date:
    day = after + timedelta(days=1)
    while day_class(day) is not DayClass.SATURDAY or in_new_year_closure(day):
        day += timedelta(days=1)
    return day


def dates(platform: Platform) -> tuple[datetime, datetime, datetime]:
    """The finding's dates, kept in the future: a Saturday next week (2026-12-12 when it was
    found), the next 1 April after it (2027-04-01), and 08:00 on the first plain Saturday
    from then (2027-04-03T08:00)."""
    today = platform.now().astimezone(JST).date()
    saturday = plain_saturday(today + timedelta(days=3))
    april = date(saturday.year + (saturday.month >= 4), 4, 1)
    look = plain_saturday(april - timedelta(days=1))
    return (
        datetime.combine(saturday, time(0, 0), JST),
        datetime.combine(april, time(0, 0), JST),
        datetime.combine(look, time(8, 0), JST),
    )


def preview_row(client: FlaskClient, at: datetime) -> str:
    """The 住民票 row of the preview at ``at``, its cells' text joined by |."""
    page = client.get(f"{PAGE}preview?at={typed(at)}").text
    row = re.search(
        rf'<tr><th scope="row">{KIND_LABELS[CertificateKind.JUMINHYO][0]}</th>(.*?)</tr>',
        page,
        re.S,
    )
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return "|".join(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells)


def test_a_fee_change_scheduled_first_keeps_saturday_hours_scheduled_later(
    portal: Flask, platform: Platform
) -> None:
    saturday, april, look = dates(platform)
    admin = signed_in(portal, platform)
    # The finding as typed, every field of the form given (what applied: ¥200, 06:30–23:00).
    typed_whole = {"kind": "juminhyo", "offered": "yes", "fee": "200"} | {
        f"{d}_{end}": at for d in DAYS for end, at in (("opens", "06:30"), ("closes", "23:00"))
    }
    for when, fields in (
        (april, {"fee": "300"}),
        (saturday, {"saturday_opens": "09:00", "saturday_closes": "17:00"}),
    ):
        form = typed_whole | fields | {"effective_from": typed(when)}
        answer = admin.post(PAGE, data={**form, "csrf_token": csrf(admin, PAGE)})
        assert answer.status_code == 302

    assert preview_row(admin, look) == "利用時間外 OUT_OF_HOURS|¥300|09:00〜17:00"
    assert preview_row(admin, look.replace(hour=10)) == "交付できます|¥300|09:00〜17:00"
    assert preview_row(admin, saturday.replace(hour=10)) == "交付できます|¥200|09:00〜17:00"
    assert preview_row(admin, saturday - timedelta(days=1, hours=-8)) == (
        "交付できます|¥200|06:30〜23:00"
    )


def test_the_services_page_lists_what_each_change_changes(
    portal: Flask, platform: Platform
) -> None:
    saturday, april, _ = dates(platform)
    admin = signed_in(portal, platform)
    schedule(admin, april, fee="300")
    schedule(admin, saturday, saturday_opens="09:00", saturday_closes="17:00")
    page = admin.get(PAGE).text
    listed = re.sub(r"<[^>]+>", "", page.split('id="scheduled"')[1].split('id="new"')[0])
    assert "手数料：¥200 → ¥300" in listed
    assert "土曜：06:30〜23:00 → 09:00〜17:00" in listed
    assert "平日" not in listed.split("土曜：")[1]  # the April change lists the fee only
    assert listed.index("土曜：") < listed.index("手数料：")  # by date, the sooner first


@pytest.mark.parametrize("order", list(permutations(range(3))))
def test_three_changes_compose_in_date_order_whatever_order_they_were_scheduled(
    portal: Flask, platform: Platform, order: tuple[int, ...]
) -> None:
    saturday, april, look = dates(platform)
    may = april + timedelta(days=30)
    changes = [
        (saturday, {"saturday_opens": "09:00", "saturday_closes": "17:00"}),
        (april, {"fee": "300"}),
        (may, {"holiday_closed": "yes", "fee": "350"}),
    ]
    admin = signed_in(portal, platform)
    for n in order:
        when, fields = changes[n]
        assert schedule(admin, when, **fields).status_code == 302, n
    info = read_info_now(platform)
    after_may = info.offering_at("juminhyo", may)
    assert after_may is not None
    assert (after_may.fee, after_may.hours.saturday, after_may.hours.holiday) == (
        350,
        info.offering_at("juminhyo", saturday).hours.saturday,  # type: ignore[union-attr]
        None,
    )
    assert after_may.hours.saturday is not None
    assert after_may.hours.saturday.opens == time(9, 0)
    april_on = info.offering_at("juminhyo", look)
    assert april_on is not None and april_on.fee == 300 and april_on.hours.holiday is not None


def read_info_now(platform: Platform):  # type: ignore[no-untyped-def]
    with platform.uow() as uow:
        info = read_info(uow, "131016")  # type: ignore[arg-type]
    assert info is not None
    return info


def test_a_change_that_changes_nothing_is_refused_and_nothing_is_written(
    portal: Flask, platform: Platform
) -> None:
    saturday, april, _ = dates(platform)
    admin = signed_in(portal, platform)
    answer = schedule(admin, april)
    assert answer.status_code == 422 and "<code>OFFERING_CHANGE_EMPTY</code>" in answer.text
    assert "その日時に適用される設定と同じです" in answer.text
    # What an earlier change already makes is "nothing" too.
    assert schedule(admin, saturday, fee="300").status_code == 302
    assert "OFFERING_CHANGE_EMPTY" in schedule(admin, april, fee="300").text
    with platform.uow() as uow:
        assert len(uow.session.scalars(select(OfferingChange)).all()) == 1


def test_the_audit_entry_lists_only_the_changed_fields(portal: Flask, platform: Platform) -> None:
    _, april, _ = dates(platform)
    admin = signed_in(portal, platform)
    schedule(admin, april, fee="300", saturday_closed="yes")
    with platform.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "offering_schedule")
        ).one()
        row = uow.session.scalars(select(OfferingChange)).one()
    assert entry.old == {"fee": 200, "hours_saturday": "06:30-23:00"}
    assert entry.new == {
        "fee": 300,
        "hours_saturday": "closed",
        "effective_from": april.isoformat(),
    }
    assert row.offered is None and not row.weekday_changed and row.saturday_changed
    assert (row.saturday_opens, row.weekday_opens) == (None, None)


def test_changes_in_effect_stay_listed_newest_first(
    portal: Flask, platform: Platform, clock: FakeClock
) -> None:
    start = platform.now().replace(second=0, microsecond=0)
    admin = signed_in(portal, platform)
    for hours, fee in ((1, "250"), (2, "300"), (30, "400")):
        assert schedule(admin, start + timedelta(hours=hours), fee=fee).status_code == 302
    clock.advance(3 * 3600)
    page = signed_in(portal, platform).get(PAGE).text
    assert 'id="past"' in page
    upcoming = re.sub(r"<[^>]+>", "", page.split('id="scheduled"')[1].split('id="past"')[0])
    past = re.sub(r"<[^>]+>", "", page.split('id="past"')[1].split('id="new"')[0])
    assert "¥300 → ¥400" in upcoming and "¥250" not in upcoming
    assert past.index("¥250 → ¥300") < past.index("¥200 → ¥250")  # newest first
    assert "取り消す" not in past  # in effect: no withdrawing


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_keeps_stored_changes_as_full_snapshots(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'kofu.sqlite3'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    command.upgrade(alembic_config(url), "0019_extract_uploads")
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
        connection.execute(
            text(
                "INSERT INTO municipalities_certificate_offering (municipality_code, kind, "
                "offered, fee, weekday_opens, weekday_closes, saturday_opens, saturday_closes, "
                "holiday_opens, holiday_closes) VALUES ('112216', 'juminhyo', TRUE, 200, "
                "'06:30:00', '23:00:00', '06:30:00', '23:00:00', '06:30:00', '23:00:00')"
            )
        )
        # Two snapshots: April's fee with the Saturday hours of its day, then a December
        # change closing Saturdays. Before 0021 April's row reopened Saturdays; it still does.
        for when, fee, saturday in (
            ("2027-03-31 15:00:00+00:00", 300, "'06:30:00', '23:00:00'"),
            ("2026-12-11 15:00:00+00:00", 200, "NULL, NULL"),
        ):
            connection.execute(
                text(
                    "INSERT INTO municipalities_offering_change (municipality_code, kind, "
                    "effective_from, offered, fee, weekday_opens, weekday_closes, "
                    "saturday_opens, saturday_closes, holiday_opens, holiday_closes, "
                    f"created_at) VALUES ('112216', 'juminhyo', '{when}', TRUE, {fee}, "
                    f"'06:30:00', '23:00:00', {saturday}, NULL, NULL, '2026-12-06 00:00:00+00:00')"
                )
            )
    command.upgrade(alembic_config(url), "head")
    with Session(engine) as session:
        info = read_info(cast(SqlUnitOfWork, SimpleNamespace(session=session)), "112216")
    version = "SELECT version FROM issuance_reference_version WHERE id = 1"
    with engine.begin() as connection:
        before = connection.execute(text(version)).scalar_one()
        connection.execute(  # a partial change: the fee only
            text(
                "INSERT INTO municipalities_offering_change (municipality_code, kind, "
                "effective_from, fee, weekday_changed, saturday_changed, holiday_changed, "
                "created_at) VALUES ('112216', 'juminhyo', '2027-05-01 00:00:00+00:00', 350, "
                "FALSE, FALSE, FALSE, '2026-12-06 00:00:00+00:00')"
            )
        )
    with engine.connect() as connection:
        assert connection.execute(text(version)).scalar_one() == before + 1  # triggers kept
    engine.dispose()
    assert info is not None
    december = info.offering_at("juminhyo", datetime(2026, 12, 12, 10, tzinfo=JST))
    april = info.offering_at("juminhyo", datetime(2027, 4, 3, 10, tzinfo=JST))
    assert december is not None and april is not None
    assert (december.fee, december.hours.saturday, december.hours.holiday) == (200, None, None)
    assert april.fee == 300 and april.hours.saturday is not None and april.hours.holiday is None

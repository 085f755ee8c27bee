"""The audit trail page: an administrator reads what their municipality's staff did (who,
when, action, old → new), never another municipality's, never a resident; viewers do not."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from centre.bootstrap import Platform
from issuance.calendar import JST
from portal.app import create_app
from tests.support.portal import csrf, password_step, seed_overview, sign_in_demo, staff

PAGE = "/m/131016/audit/"


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def signed_in(portal: Flask, platform: Platform, prefix: str) -> FlaskClient:
    client = portal.test_client()
    sign_in_demo(client, staff(prefix), platform.now())
    return client


def test_an_admin_reads_their_staffs_changes_with_old_and_new_values(
    portal: Flask, platform: Platform
) -> None:
    seed_overview(platform)  # failed requests of a resident: never on the audit page
    signed_in(portal, platform, "admin@soka")  # another municipality's staff sign in too
    admin = signed_in(portal, platform, "admin@chiyoda")
    when = (platform.now() + timedelta(days=2)).astimezone(JST).strftime("%Y-%m-%dT%H:%M")
    services = "/m/131016/services/"
    form = {"kind": "juminhyo", "effective_from": when, "offered": "yes", "fee": "350"}
    form |= {f"{day}_opens": "06:30" for day in ("weekday", "saturday", "holiday")}
    form |= {f"{day}_closes": "23:00" for day in ("weekday", "saturday", "holiday")}
    form |= {"csrf_token": csrf(admin, services)}
    assert admin.post(services, data=form).status_code == 302

    page = admin.get(PAGE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "交付・手数料の変更予約" in text and "ログイン" in text
    assert re.search(r"手数料（1通）：¥\d+ → ¥350", text)
    assert "利用時間（土曜）：00:00〜23:59 → 06:30〜23:00" in text
    assert "適用開始日時：— → <time" in text
    assert "交付する：" not in text  # unchanged fields are left out
    assert "住民票の写しの交付設定" in text  # what was changed, not an internal id
    assert "offering:" not in text
    assert staff("admin@chiyoda").display_name in text
    assert staff("admin@soka").display_name not in text
    assert not re.search(r"\d{11}", text)  # no 住民票コード
    assert "Offering change scheduled" in admin.get(PAGE + "?lang=en").text


def test_viewers_and_other_municipalities_get_404(portal: Flask, platform: Platform) -> None:
    assert signed_in(portal, platform, "viewer@chiyoda").get(PAGE).status_code == 404
    assert signed_in(portal, platform, "admin@soka").get(PAGE).status_code == 404
    assert signed_in(portal, platform, "operator@centre").get(PAGE).status_code == 404


def test_an_announced_window_of_every_kind_reads_as_such(portal: Flask, platform: Platform) -> None:
    admin = signed_in(portal, platform, "admin@chiyoda")
    starts = (platform.now() + timedelta(days=3)).astimezone(JST)
    page = "/m/131016/maintenance/"
    form = {"starts": starts.strftime("%Y-%m-%dT%H:%M"), "kind": "", "note": ""}
    form["ends"] = (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert admin.post(page, data={**form, "csrf_token": csrf(admin, page)}).status_code == 302

    text = admin.get(PAGE).get_data(as_text=True)
    assert re.search(r"停止予定 第\d+号", text) and "maintenance_window:" not in text
    assert "証明書の種類：全ての証明書" in text  # a creation: the value, no "— →"
    assert "— → —" not in text
    english = admin.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "Maintenance window no." in english and "Every certificate" in english


def test_the_trail_reads_in_words_and_hides_sign_ins_unless_asked(
    portal: Flask, platform: Platform
) -> None:
    """Found by a new user: roles, sign-in steps and targets were internal codes, and the
    sign-ins crowded out the changes."""
    viewer = staff("viewer@chiyoda")
    password_step(portal.test_client(), viewer.login, "not the password")  # a failed step
    signed_in(portal, platform, "viewer@chiyoda")
    admin = signed_in(portal, platform, "admin@chiyoda")
    page = "/m/131016/usage/"
    upload = {"file": (io.BytesIO("年月,証明書の種類,件数\n2026-11,inkan,40\n".encode()), "c.csv")}
    admin.post(page + "counter-counts", data={**upload, "csrf_token": csrf(admin, page)})
    plain = admin.get(PAGE).get_data(as_text=True)
    assert "印鑑登録証明書の窓口交付件数（2026-11）" in plain  # not counter_count:131016/…
    assert "ログイン" not in re.sub(r"<a [^>]*>[^<]*</a>", "", plain.split("<table", 1)[1])
    assert "全ての証明書" not in plain  # the kind of a count is its kind
    every = admin.get(PAGE + "?logins=1").get_data(as_text=True)
    assert "パスワード確認" in every and "段階：パスワード" in every
    assert "municipal_viewer" not in every and "totp" not in every.split("<table", 1)[1]

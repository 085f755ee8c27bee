"""Issuer identity from the portal: a new mayor scheduled from a date and time prints on
certificates issued from that moment and not before; the 公印 upload accepts a PNG or a
harmless SVG and refuses the rest with a stable code; 見本 certificates show the identity in
effect at a chosen moment, carry 見本 and cannot be verified."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from centre.bootstrap import Platform
from issuance.authenticity.model import IssuedDocument
from issuance.calendar import JST
from issuance.staff.model import AuditEntry
from municipalities.model import IssuerIdentity
from portal.app import create_app
from tests.conftest import FakeClock
from tests.support.centres import kiosk_on, two_platforms
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, qr_payloads
from tests.support.portal import csrf, sign_in_demo, staff

PAGE = "/m/131016/identity/"
SAMPLES = "/m/131016/identity/samples"
YAMADA = "yamada-taro.json"  # 千代田区
OLD_MAYOR = "神田　和也"  # the demo's 千代田区長
SQUARE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    b'<rect x="5" y="5" width="90" height="90" fill="none" stroke="#c00" stroke-width="6"/>'
    b'<circle cx="50" cy="50" r="25" fill="#c00"/></svg>'
)


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


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 255)).save(out, format="PNG")
    return out.getvalue()


def schedule(client: FlaskClient, seal: tuple[bytes, str] | None = None, **fields: str):  # type: ignore[no-untyped-def]
    form: dict[str, object] = {
        "mayor_title": "千代田区長",
        "mayor_name": "新井　次郎",
        "header": "",
        **fields,
        "csrf_token": csrf(client, PAGE),
    }
    if seal is not None:
        form["seal"] = (io.BytesIO(seal[0]), seal[1])
    return client.post(PAGE, data=form, content_type="multipart/form-data")


def identities(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(IssuerIdentity)) or 0


def test_a_mayor_elected_from_a_date_signs_certificates_from_that_moment_not_before(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    _, before_any = kiosk.issue(cards / YAMADA)  # the server has read and kept 千代田区
    assert OLD_MAYOR.replace("\u3000", "") in pdf_text(before_any)
    starts = in_an_hour(platform)
    admin = signed_in(portal, platform)
    answer = schedule(
        admin, effective_from=typed(starts), mayor_name="新井 次郎", header="東京都千代田区役所"
    )
    assert answer.status_code == 302, answer.text
    page = admin.get(PAGE).text
    assert "新井　次郎" in page and "予約" in page and OLD_MAYOR in page  # scheduled, still old

    clock.advance((starts - platform.now()).total_seconds() - 60)
    _, before = kiosk.issue(cards / YAMADA)
    clock.advance(120)
    _, after = kiosk.issue(cards / YAMADA)
    text_before, text_after = pdf_text(before), pdf_text(after)
    assert "神田和也" in text_before and "新井次郎" not in text_before
    assert "東京都千代田区長新井次郎" in text_after and "神田和也" not in text_after
    assert "東京都千代田区役所" in text_after and "東京都千代田区役所" not in text_before
    with platform.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "identity_schedule")
        ).one()
    assert entry.old == {
        "mayor_title": "千代田区長",
        "mayor_name": OLD_MAYOR,
        "header": None,
        "seal": None,
    }
    assert entry.new is not None and entry.new["mayor_name"] == "新井　次郎"
    assert entry.new["header"] == "東京都千代田区役所"
    assert entry.new["effective_from"] == starts.astimezone(JST).isoformat()


def test_an_uploaded_seal_prints_and_is_audited_by_its_hash_not_its_bytes(
    portal: Flask, platform: Platform, clock: FakeClock, kiosk: TestKiosk, cards: Path
) -> None:
    starts = in_an_hour(platform)
    admin = signed_in(portal, platform)
    answer = schedule(admin, seal=(SQUARE_SVG, "seal.svg"), effective_from=typed(starts))
    assert answer.status_code == 302, answer.text
    with platform.uow() as uow:
        row = uow.session.scalars(select(IssuerIdentity)).one()
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "identity_schedule")
        ).one()
    assert row.seal_png is not None and row.seal_png.startswith(b"\x89PNG")  # rasterised
    assert entry.new is not None and str(entry.new["seal"]).startswith("sha256:")
    assert f"{len(row.seal_png):,} B" in str(entry.new["seal"])
    image = admin.get(f"{PAGE}{row.id}/seal.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert Image.open(io.BytesIO(image.data)).size == (600, 600)

    # A later change without a seal keeps the uploaded one.
    later = starts + timedelta(days=1)
    assert schedule(admin, effective_from=typed(later), mayor_name="西　三郎").status_code == 302
    with platform.uow() as uow:
        kept = uow.session.scalars(
            select(IssuerIdentity).where(IssuerIdentity.effective_from == later)
        ).one()
    assert kept.seal_png == row.seal_png


HOSTILE = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    b"<script>alert(1)</script></svg>",
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" onload="alert(1)">'
    b'<rect width="9" height="9"/></svg>',
    "external href": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    b'<use href="https://example.invalid/seal.svg#s"/></svg>',
    "xlink to a file": b'<svg xmlns="http://www.w3.org/2000/svg" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">'
    b'<use xlink:href="file:///etc/passwd#x"/></svg>',
    "image": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    b'<image href="file:///etc/hostname" width="10" height="10"/></svg>',
    "foreign object": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    b'<foreignObject width="9" height="9"><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
    b"</foreignObject></svg>",
    "css url": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    b'<rect width="9" height="9" style="fill:url(https://example.invalid/x)"/></svg>',
    "style import": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    b'<style>@import url("https://example.invalid/x.css");</style></svg>',
    "entity bomb": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><text>&c;</text></svg>',
    "use bomb": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><defs>'
    b'<path id="a" d="M0 0h1v1z"/>'
    + b"".join(
        b'<g id="%c">' % (98 + level) + b'<use href="#%c"/>' % (97 + level) * 10 + b"</g>"
        for level in range(10)
    )
    + b'</defs><use href="#k"/></svg>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><text>&x;</text></svg>',
}


@pytest.mark.parametrize(
    ("seal", "name", "code"),
    [
        *[(svg, "seal.svg", "SEAL_UNSAFE_SVG") for svg in HOSTILE.values()],
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="99999999" height="99999999"/>',
            "big.svg",
            "SEAL_DIMENSIONS",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100"/>',
            "wide.svg",
            "SEAL_DIMENSIONS",
        ),
        (png(400, 200), "wide.png", "SEAL_DIMENSIONS"),
        (png(20, 20), "tiny.png", "SEAL_DIMENSIONS"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "broken.png", "SEAL_NOT_IMAGE"),
        (b"GIF89a" + b"\x00" * 40, "seal.gif", "SEAL_NOT_IMAGE"),
        (b"<html><body>seal</body></html>", "seal.svg", "SEAL_NOT_IMAGE"),
        (b"<svg" + b" " * (600 * 1024) + b"/>", "huge.svg", "SEAL_TOO_LARGE"),
    ],
    ids=[
        *HOSTILE,
        "huge size",
        "wide svg",
        "wide png",
        "tiny png",
        "broken png",
        "gif",
        "html",
        "over 512 KiB",
    ],
)
def test_a_seal_that_is_not_a_plain_square_image_is_refused_and_nothing_is_written(
    portal: Flask, platform: Platform, seal: bytes, name: str, code: str
) -> None:
    admin = signed_in(portal, platform)
    answer = schedule(admin, seal=(seal, name), effective_from=typed(in_an_hour(platform)))
    assert answer.status_code == 422, answer.status_code
    assert f"<code>{code}</code>" in answer.text
    assert identities(platform) == 0
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "identity_schedule")) == 0  # fmt: skip


def test_a_square_png_seal_is_accepted(portal: Flask, platform: Platform) -> None:
    admin = signed_in(portal, platform)
    answer = schedule(
        admin, seal=(png(300, 280), "seal.png"), effective_from=typed(in_an_hour(platform))
    )
    assert answer.status_code == 302, answer.text
    assert identities(platform) == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"mayor_name": ""}, "MAYOR_NAME_INVALID"),
        ({"mayor_name": "あ" * 41}, "MAYOR_NAME_INVALID"),
        ({"mayor_title": "  "}, "MAYOR_TITLE_INVALID"),
        ({"header": "あ" * 61}, "HEADER_INVALID"),
        ({"effective_from": "2020-04-01T00:00"}, "IDENTITY_IN_PAST"),
        ({"effective_from": "someday"}, "EFFECTIVE_FROM_INVALID"),
    ],
)
def test_an_identity_that_cannot_be_is_refused_with_its_code(
    portal: Flask, platform: Platform, fields: dict[str, str], code: str
) -> None:
    admin = signed_in(portal, platform)
    answer = schedule(admin, **{"effective_from": typed(in_an_hour(platform)), **fields})
    assert answer.status_code == 422 and f"<code>{code}</code>" in answer.text
    assert identities(platform) == 0


def test_a_form_posted_twice_schedules_once(portal: Flask, platform: Platform) -> None:
    admin = signed_in(portal, platform)
    when = typed(in_an_hour(platform))
    assert schedule(admin, effective_from=when).status_code == 302
    again = schedule(admin, effective_from=when)
    assert again.status_code == 422 and "<code>IDENTITY_EXISTS</code>" in again.text
    assert identities(platform) == 1


def test_a_viewer_reads_the_identity_and_samples_but_cannot_change_them(
    portal: Flask, platform: Platform
) -> None:
    viewer = signed_in(portal, platform, "viewer@chiyoda")
    page = viewer.get(PAGE)
    assert (
        page.status_code == 200 and OLD_MAYOR in page.text and 'name="mayor_name"' not in page.text
    )
    assert viewer.get(SAMPLES).status_code == 200
    token = csrf(viewer, SAMPLES.replace("/samples", "/"))  # the sign-out form's token
    form = {"mayor_title": "x", "mayor_name": "y", "effective_from": "2030-01-01T00:00"}
    assert viewer.post(PAGE, data={**form, "csrf_token": token}).status_code == 403
    assert identities(platform) == 0


def test_an_admin_withdraws_a_change_not_yet_in_effect(portal: Flask, platform: Platform) -> None:
    admin = signed_in(portal, platform)
    assert schedule(admin, effective_from=typed(in_an_hour(platform))).status_code == 302
    with platform.uow() as uow:
        row_id = uow.session.scalars(select(IssuerIdentity.id)).one()
    url = f"{PAGE}{row_id}/withdraw"
    assert "新井　次郎" in admin.get(url).text
    done = admin.post(url, data={"confirm": "yes", "csrf_token": csrf(admin, url)})
    assert done.status_code == 302 and identities(platform) == 0


def test_samples_show_the_identity_in_effect_at_the_chosen_moment_and_cannot_be_verified(
    portal: Flask, platform: Platform, kiosk: TestKiosk
) -> None:
    starts = in_an_hour(platform)
    admin = signed_in(portal, platform)
    answer = schedule(admin, seal=(SQUARE_SVG, "seal.svg"), effective_from=typed(starts))
    assert answer.status_code == 302
    before, after = typed(starts - timedelta(minutes=1)), typed(starts)
    listing = admin.get(f"{SAMPLES}?at={after}")
    assert listing.status_code == 200 and "新井　次郎" in listing.text
    assert "/samples/juminhyo.png" in listing.text and "/samples/koseki_fuhyo.pdf" in listing.text
    assert OLD_MAYOR in admin.get(f"{SAMPLES}?at={before}").text

    old = admin.get(f"{SAMPLES}/juminhyo.pdf?at={before}")
    new = admin.get(f"{SAMPLES}/inkan.pdf?at={after}")
    assert old.mimetype == new.mimetype == "application/pdf"
    assert "attachment" in new.headers["Content-Disposition"]
    old_text, new_text = pdf_text(old.data), pdf_text(new.data)
    assert "見本" in old_text and "神田和也" in old_text and "見本太郎" in old_text
    assert "新井次郎" in new_text and "見本" in new_text
    assert qr_payloads(new.data) == []  # no verification code: /verify has nothing to check
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(IssuedDocument)) == 0
    checked = kiosk.client.post("/api/verify/pdf", data=new.data, content_type="application/pdf")
    assert checked.json["genuine"] is False and checked.json["status"] == "unknown"

    preview = admin.get(f"{SAMPLES}/koseki_zenbu.png?at={after}")
    assert preview.mimetype == "image/png"
    assert Image.open(io.BytesIO(preview.data)).height > 1000
    assert admin.get(f"{SAMPLES}/passport.pdf").status_code == 404
    assert admin.get(f"{SAMPLES}?at=someday").status_code == 422


@pytest.fixture(params=["sqlite", "postgresql"])
def two_processes(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[tuple[Platform, Platform]]:
    """Two platforms on one database, as the portal's process and a centre server's."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with two_platforms(demo_template, tmp_path / "data", url, clock) as both:
        yield both


def test_a_mayor_scheduled_in_the_portals_process_prints_in_a_servers_next_certificate(
    two_processes: tuple[Platform, Platform], clock: FakeClock
) -> None:
    portal_side, centre_side = two_processes
    kiosk = kiosk_on(centre_side)
    cards = centre_side.settings.data_dir / "demo" / "cards"
    _, first = kiosk.issue(cards / YAMADA)  # 千代田区 read and kept by the server
    assert "神田和也" in pdf_text(first)
    portal = create_app(
        portal_side.settings.with_overrides(portal_secure_cookies=False), portal_side
    )
    starts = in_an_hour(portal_side)
    admin = signed_in(portal, portal_side)
    assert schedule(admin, effective_from=typed(starts)).status_code == 302
    clock.advance((starts - portal_side.now()).total_seconds() + 1)
    _, next_one = kiosk.issue(cards / YAMADA)
    assert "新井次郎" in pdf_text(next_one)

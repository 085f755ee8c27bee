"""An own-server municipality's connection in the portal: the endpoint and the centre's client
certificate shown, the endpoint changed (https only, audited), and "test connection" calling
the reference municipal server's health over mutual TLS: ok with its latency, or the reason
(no connection, timeout, TLS refused, an HTTP status)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from centre.bootstrap import Platform
from issuance.staff.model import AuditEntry, Role
from issuance.staff.services import create_account
from municipal_server.server import create_reference_app, open_database, start_server
from municipalities.model import Municipality
from municipalities.tls import make_test_pki, server_files
from portal.app import create_app
from tests.integration.test_own_server import municipal_pki, yokohama  # noqa: F401 (fixtures)
from tests.support.kiosk import TestKiosk
from tests.support.portal import csrf, sign_in, sign_in_demo, staff

YOKOHAMA = "141003"
PAGE = f"/m/{YOKOHAMA}/records/"
SECRET = pyotp.random_base32()


class Switch:
    """WSGI middleware: the reference server as is, or hanging, or answering 503."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app, self.mode = app, "ok"
        self.released = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.mode == "hang":
            self.released.wait(30)
        if self.mode == "503":
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"maintenance"]
        return self.app(environ, start_response)


def serve(platform: Platform, tmp_path: Path, tls_dir: Path) -> tuple[Switch, Any]:
    engine = open_database(tmp_path / f"yokohama-{tls_dir.name}.sqlite3", YOKOHAMA)
    switch = Switch(create_reference_app(engine, YOKOHAMA))
    return switch, start_server(switch, "127.0.0.1", 0, server_files(tls_dir))


def point_at(platform: Platform, url: str) -> None:
    with platform.uow() as uow:
        uow.session.execute(
            update(Municipality)
            .where(Municipality.code == YOKOHAMA)
            .values(backend_settings={"url": url, "timeout_seconds": 0.5})
        )
        uow.commit()


@pytest.fixture
def server(platform: Platform, tmp_path: Path) -> Iterator[tuple[Switch, str]]:
    """横浜市's reference server over mutual TLS, with the centre's certificate where
    `kofu serve` finds it (KOFU_DATA_DIR/municipal-tls)."""
    tls_dir = platform.settings.municipal_tls_dir
    assert tls_dir is not None
    make_test_pki(tls_dir)
    switch, running = serve(platform, tmp_path, tls_dir)
    url = f"https://127.0.0.1:{running.server_port}"
    point_at(platform, url)
    yield switch, url
    switch.released.set()
    running.shutdown()


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def yokohama_staff(
    portal: Flask, platform: Platform, role: Role = Role.MUNICIPAL_ADMIN
) -> FlaskClient:
    login = f"{role.value.split('_')[1]}@yokohama.example.jp"
    with platform.uow() as uow:
        _, password = create_account(
            uow,
            PasswordHasher(),
            login=login,
            display_name="横浜市 担当",
            role=role,
            municipality_code=YOKOHAMA,
            totp_secret=SECRET,
            now=platform.now(),
        )
    client = portal.test_client()
    sign_in(client, login, password, SECRET, platform.now())
    return client


def press_test(client: FlaskClient) -> str:
    response = client.post(PAGE + "server/test", data={"csrf_token": csrf(client, PAGE)})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_the_endpoint_and_the_certificate_in_use_never_its_key(
    portal: Flask, platform: Platform, server: tuple[Switch, str]
) -> None:
    admin = yokohama_staff(portal, platform)
    page = admin.get(PAGE).get_data(as_text=True)
    tls_dir = platform.settings.municipal_tls_dir
    assert tls_dir is not None
    cert = x509.load_pem_x509_certificate((tls_dir / "centre.pem").read_bytes())
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    assert server[1] in page and "CN=kofu centre" in page
    shown = ":".join(digest[i : i + 2] for i in range(0, 64, 2))
    assert shown in page.replace("<br>", "")  # in two lines of 16 bytes
    assert "令和" in page and "PRIVATE KEY" not in page


def test_test_connection_reports_ok_then_each_reason_it_is_not(
    portal: Flask, platform: Platform, server: tuple[Switch, str], tmp_path: Path
) -> None:
    switch, url = server
    admin = yokohama_staff(portal, platform)
    assert "接続できました" in press_test(admin)

    switch.mode = "503"
    assert "<code>HTTP_503</code>" in press_test(admin)
    switch.mode = "hang"
    assert "<code>TIMEOUT</code>" in press_test(admin)
    switch.released.set()

    stranger_pki = make_test_pki(tmp_path / "another-ca")  # a server the centre does not trust
    _, stranger = serve(platform, tmp_path, stranger_pki)
    point_at(platform, f"https://127.0.0.1:{stranger.server_port}")
    assert "<code>TLS</code>" in press_test(admin)
    stranger.shutdown()
    assert "<code>CONNECT</code>" in press_test(admin)  # nobody listens there now


def test_an_admin_changes_the_endpoint_https_only_audited(
    portal: Flask, platform: Platform, server: tuple[Switch, str]
) -> None:
    _, url = server
    admin = yokohama_staff(portal, platform)

    def post(new: str) -> Any:
        return admin.post(PAGE + "server/url", data={"url": new, "csrf_token": csrf(admin, PAGE)})

    plain = post("http://127.0.0.1:8443")
    assert plain.status_code == 422 and "SERVER_URL_NOT_HTTPS" in plain.get_data(as_text=True)
    assert post("https://user@host/").status_code == 422
    moved = url.rsplit(":", 1)[0] + ":9"  # nothing listens on the discard port
    assert post(moved).status_code == 302
    again = post(moved)  # a double post changes nothing twice
    assert again.status_code == 422 and "SERVER_URL_UNCHANGED" in again.get_data(as_text=True)
    with platform.uow() as uow:
        municipality = uow.session.get(Municipality, YOKOHAMA)
        assert municipality is not None and municipality.backend_settings["url"] == moved
        assert municipality.backend_settings["timeout_seconds"] == 0.5  # the rest kept
        entries = uow.session.query(AuditEntry).filter_by(action="own_server_endpoint").all()
        assert [(e.old, e.new) for e in entries] == [({"url": url}, {"url": moved})]
    assert "<code>CONNECT</code>" in press_test(admin)  # the next call goes to the new address


def test_viewers_read_but_cannot_change_or_test_and_others_get_404(
    portal: Flask, platform: Platform, server: tuple[Switch, str]
) -> None:
    viewer = yokohama_staff(portal, platform, Role.MUNICIPAL_VIEWER)
    page = viewer.get(PAGE).get_data(as_text=True)
    assert "CN=kofu centre" in page and 'name="url"' not in page
    token = csrf(viewer, PAGE)
    for path in ("server/test", "server/url"):
        assert (
            viewer.post(PAGE + path, data={"csrf_token": token, "url": "https://x"}).status_code
            == 403
        )
    chiyoda = portal.test_client()
    sign_in_demo(chiyoda, staff("admin@chiyoda"), platform.now())
    token = csrf(chiyoda, "/m/131016/records/")
    assert chiyoda.get(PAGE).status_code == 404
    for path in (PAGE + "server/test", "/m/131016/records/server/test"):  # a BCL one has none
        assert chiyoda.post(path, data={"csrf_token": token}).status_code == 404


def test_a_changed_endpoint_is_used_by_the_kiosks_next_request(
    portal: Flask,
    platform: Platform,
    yokohama: Any,  # noqa: F811
    kiosk: TestKiosk,
    cards: Path,
) -> None:
    """The portal and the kiosk API share the database, not a cache: the URL saved in the
    portal is the one the next kiosk request's pre-check calls (the reference version)."""
    admin = yokohama_staff(portal, platform)
    with platform.uow() as uow:
        municipality = uow.session.get(Municipality, YOKOHAMA)
        assert municipality is not None
        working = municipality.backend_settings["url"]

    def save(url: str) -> None:
        token = csrf(admin, PAGE)
        assert (
            admin.post(PAGE + "server/url", data={"url": url, "csrf_token": token}).status_code
            == 302
        )

    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    save(working.rsplit(":", 1)[0] + ":9")  # nothing listens there
    moved = kiosk.request(certificate="inkan")
    assert moved.status_code == 503 and moved.json["error"]["details"] == {"reason": "connect"}
    save(working)
    assert kiosk.request(certificate="inkan").status_code == 202

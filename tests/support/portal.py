"""Signing in to the portal over Flask's test client, CSRF tokens and all."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pyotp
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from billing.model import BillingEvent, EventType
from centre.bootstrap import Platform
from demo.staff import DEMO_STAFF, DemoStaff
from issuance.index.model import OutOfSyncAlarm
from issuance.model import CertificateKind, CertificateRequest, RequestState
from issuance.sessions.kiosks import KioskSession, SessionState
from municipalities.model import MaintenanceWindow

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def staff(login_prefix: str) -> DemoStaff:
    """The demo account whose login starts with ``login_prefix`` (e.g. ``admin@chiyoda``)."""
    return next(s for s in DEMO_STAFF if s.login.startswith(login_prefix))


def csrf(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path``'s page."""
    page = client.get(path).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, f"no form with a CSRF token on {path}"
    return found.group(1)


def password_step(client: FlaskClient, login: str, password: str) -> TestResponse:
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": csrf(client, "/login")},
    )


def totp_step(client: FlaskClient, code: str) -> TestResponse:
    token = csrf(client, "/login/totp")
    return client.post("/login/totp", data={"code": code, "csrf_token": token})


def sign_in(client: FlaskClient, login: str, password: str, secret: str, now: datetime) -> None:
    """Both steps; asserts the sign-in reached the account's home page."""
    assert password_step(client, login, password).status_code == 302
    done = totp_step(client, pyotp.TOTP(secret).at(now))
    assert done.status_code == 302 and "/login" not in done.headers["Location"], done.status_code


def sign_in_demo(client: FlaskClient, account: DemoStaff, now: datetime) -> None:
    sign_in(client, account.login, account.password, account.totp_secret, now)


REFUSED_RESIDENT = "12345678901"  # the 住民票コード of the seeded refusals: never on a page


def seed_overview(platform: Platform) -> None:
    """千代田区 today: 2 住民票 and 1 課税 printed, 1 印鑑 whose print failed (void: not an
    issuance), an alarm, a stop,
    and three refused requests (two RECORDS_OUT_OF_SYNC, one RENDER_TIMEOUT)."""
    seed_refusals(platform, ["RECORDS_OUT_OF_SYNC", "RECORDS_OUT_OF_SYNC", "RENDER_TIMEOUT"])
    now = platform.now()
    with platform.uow() as uow:
        for i, (kind, event) in enumerate(
            [
                ("juminhyo", EventType.ISSUE),
                ("juminhyo", EventType.ISSUE),
                ("kazei", EventType.ISSUE),
                ("inkan", EventType.VOID),
            ]
        ):
            uow.session.add(
                BillingEvent(
                    request_id=f"R{i}",
                    event_type=event,
                    municipality_code="131016",
                    kiosk_id="K0001",
                    operator_id="seven",
                    channel="store",
                    certificate_kind=kind,
                    copies=1,
                    fee_total=1200,
                    commission_total=117,
                    occurred_at=now,
                    accounting_month=None,
                )
            )
        uow.session.add(
            OutOfSyncAlarm(
                at=now,
                municipality_code="131016",
                certificate_kind="juminhyo",
                failed_check="status",
                stage="submission",
            )
        )
        uow.session.add(
            MaintenanceWindow(
                municipality_code="131016",
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=1, hours=2),
                note="システム更新",
            )
        )
        uow.commit()


def seed_refusals(platform: Platform, codes: list[str]) -> None:
    """Failed requests of 千代田区 at kiosk K0001, one per failure code, created now."""
    now = platform.now()
    with platform.uow() as uow:
        uow.session.add(
            KioskSession(
                id="S-SEED",
                kiosk_id="K0001",
                state=SessionState.CLOSED,
                certificate_der=b"x",
                certificate_fingerprint="0" * 64,
                challenge=b"x",
                challenge_expires_at=now,
                juminhyo_code=REFUSED_RESIDENT,
                created_at=now,
                expires_at=now,
            )
        )
        uow.session.flush()  # no relationship orders the two inserts: the session first
        for i, code in enumerate(codes):
            uow.session.add(
                CertificateRequest(
                    id=f"R-SEED-{i}",
                    session_id="S-SEED",
                    kiosk_id="K0001",
                    juminhyo_code=REFUSED_RESIDENT,
                    municipality_code="131016",
                    kind=CertificateKind.JUMINHYO,
                    options={},
                    copies=1,
                    idempotency_key=f"seed-{i}",
                    body_digest="0" * 64,
                    state=RequestState.FAILED,
                    fee_per_copy=300,
                    serial=f"SEED{i:06d}",
                    attempts=0,
                    failure_code=code,
                    created_at=now,
                    updated_at=now,
                )
            )
        uow.commit()

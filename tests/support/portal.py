"""Signing in to the portal over Flask's test client, CSRF tokens and all."""

from __future__ import annotations

import re
from datetime import datetime

import pyotp
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from demo.staff import DEMO_STAFF, DemoStaff

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

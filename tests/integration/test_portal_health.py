"""The portal's `/healthz` and `/readyz`: open to anyone, no session; `/readyz` is 503 with
Retry-After when the database does not answer, `/healthz` stays 200 (the process lives)."""

from __future__ import annotations

import pytest
from flask import Flask

from centre.bootstrap import Platform
from portal.app import create_app


@pytest.fixture
def portal(platform: Platform) -> Flask:
    return create_app(platform.settings.with_overrides(portal_secure_cookies=False), platform)


def test_healthz_says_ok_without_signing_in_or_setting_a_cookie(portal: Flask) -> None:
    answer = portal.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok"}
    assert "Set-Cookie" not in answer.headers
    ready = portal.test_client().get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ready", "failed": []}
    assert "Set-Cookie" not in ready.headers


def test_readyz_is_503_with_retry_after_when_the_database_is_away(
    portal: Flask, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.engine.dispose()
    monkeypatch.setattr(platform.engine.pool, "connect", _refuse)
    answer = portal.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json == {"status": "unavailable", "failed": ["DATABASE_UNREACHABLE"]}
    assert portal.test_client().get("/healthz").status_code == 200


def _refuse() -> None:
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT 1", {}, Exception("connection refused"))

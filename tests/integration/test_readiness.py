"""`/readyz` tells a load balancer when a process may take traffic, `/healthz` only that it lives.

Each condition that makes a process unfit (the database away or a migration behind, Redis away
when configured, the signing key unreadable) turns `/readyz` into a 503 naming it by its code,
while `/healthz` stays 200 (a balancer that restarted on it would restart every host at once).
A private PostgreSQL and Redis of the test's own are stopped and started; nothing shared is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient

from centre.bootstrap import Platform, bootstrap
from centre.database import alembic_config, upgrade
from centre.readiness import ReadinessProbe
from centre.settings import load_settings
from kiosk_api.app import create_app
from portal.app import create_app as create_portal
from tests.support.private_services import (
    PrivatePostgres,
    PrivateRedis,
    bounded,
    private_postgres,
    private_redis,
)

pytestmark = [pytest.mark.slow]


@pytest.fixture
def services() -> Iterator[tuple[PrivatePostgres, PrivateRedis]]:
    with bounded(240), private_postgres() as postgres, private_redis() as redis:
        yield postgres, redis


@pytest.fixture
def platform(tmp_path: Path, services: tuple[PrivatePostgres, PrivateRedis]) -> Iterator[Platform]:
    postgres, redis = services
    settings = load_settings(
        {
            "KOFU_DATA_DIR": str(tmp_path / "data"),
            "KOFU_DATABASE_URL": postgres.url,
            "KOFU_REDIS_URL": redis.url,
        }
    )
    upgrade(settings.database_url)
    built = bootstrap(settings)
    built.keyring.current_kid()  # the first signing key, as the first document would make it
    yield built
    built.close()


def _client(app: Flask) -> FlaskClient:
    app.extensions["kofu_readiness"].ttl = 0  # every call asks: no waiting out the 1 s cache
    return app.test_client()


def _ready(client: FlaskClient) -> tuple[int, list[str], str | None]:
    """``/readyz``'s status, failed codes and Retry-After; ``/healthz`` is 200 meanwhile."""
    answer = client.get("/readyz")
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json == {"status": "ok"}
    assert "postgresql" not in answer.get_data(as_text=True)  # never a DSN
    return answer.status_code, answer.json["failed"], answer.headers.get("Retry-After")


def test_kiosk_api_is_ready_only_while_database_redis_and_signing_key_are(
    platform: Platform, services: tuple[PrivatePostgres, PrivateRedis]
) -> None:
    postgres, redis = services
    client = _client(create_app(platform=platform))
    assert _ready(client) == (200, [], None)

    postgres.stop()
    assert _ready(client) == (503, ["DATABASE_UNREACHABLE"], "5")
    postgres.start()
    assert _ready(client) == (200, [], None)

    redis.stop()
    assert _ready(client) == (503, ["REDIS_UNREACHABLE"], "5")
    redis.start()
    assert _ready(client) == (200, [], None)

    key = platform.keyring.directory / f"{platform.keyring.current_kid()}.pem"
    original = key.read_bytes()
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\ntruncated")
    assert _ready(client) == (503, ["SIGNING_KEYS_UNREADABLE"], "5")
    key.write_bytes(original)
    assert _ready(client) == (200, [], None)


def test_one_migration_behind_is_not_ready_on_either_face(platform: Platform) -> None:
    kiosk = _client(create_app(platform=platform))
    portal = _client(_portal(platform))
    command.downgrade(alembic_config(platform.settings.database_url), "-1")
    for client in (kiosk, portal):
        assert _ready(client) == (503, ["MIGRATIONS_NOT_AT_HEAD"], "5")
    upgrade(platform.settings.database_url)
    for client in (kiosk, portal):
        assert _ready(client) == (200, [], None)


def test_portal_is_ready_only_while_database_and_its_redis_answer(
    platform: Platform, services: tuple[PrivatePostgres, PrivateRedis]
) -> None:
    postgres, redis = services
    client = _client(_portal(platform))
    assert _ready(client) == (200, [], None)
    redis.stop()
    postgres.stop()
    assert _ready(client) == (503, ["DATABASE_UNREACHABLE", "REDIS_UNREACHABLE"], "5")
    postgres.start()
    redis.start()
    assert _ready(client) == (200, [], None)


def test_without_redis_configured_readiness_does_not_ask_for_it(
    platform: Platform, services: tuple[PrivatePostgres, PrivateRedis]
) -> None:
    _, redis = services
    settings = platform.settings.with_overrides(redis_url=None, portal_secure_cookies=False)
    client = _client(create_portal(settings, platform))
    redis.stop()
    assert _ready(client) == (200, [], None)


def test_an_answer_is_kept_for_a_second_so_a_balancer_polling_often_costs_little(
    platform: Platform, services: tuple[PrivatePostgres, PrivateRedis]
) -> None:
    postgres, _ = services
    now = [100.0]
    probe = ReadinessProbe(platform, signing_keys=True, monotonic=lambda: now[0])
    assert probe.check().ready
    postgres.stop()
    now[0] += 0.5
    assert probe.check().ready  # the kept answer: the database was not asked
    now[0] += 0.6
    assert probe.check().failed == ("DATABASE_UNREACHABLE",)


def _portal(platform: Platform) -> Flask:
    return create_portal(platform.settings.with_overrides(portal_secure_cookies=False), platform)

"""Shared fixtures: a migrated demo database per test, the platform, the app and test kiosks."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update

from centre import logs
from centre.bootstrap import Platform, bootstrap
from centre.database import normalise_url, upgrade
from centre.settings import Settings, load_settings
from demo.loader import load_demo
from kiosk_api.app import create_app
from municipalities.model import CertificateOffering
from tests.support.kiosk import TestKiosk


def pytest_configure(config: pytest.Config) -> None:
    # structlog's lines go through the standard library, as in every `kofu` process, so
    # pytest's capture (caplog) sees them; the JSON handler is left to the processes.
    logs.configure_structlog()


EXTRA_RESIDENTS = 48
REQUIRE_SERVICES = os.environ.get("KOFU_REQUIRE_SERVICES") == "1"


class FakeClock:
    """Real time plus an offset the test moves forward (expiry, TTLs)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


def _open_all_day(settings: Settings) -> None:
    """Service hours are tested on their own; elsewhere they must not depend on when CI runs."""
    engine = create_engine(normalise_url(settings.database_url))
    with engine.begin() as connection:
        connection.execute(
            update(CertificateOffering).values(
                {
                    f"{day}_{end}": moment
                    for day in ("weekday", "saturday", "holiday")
                    for end, moment in (("opens", time(0, 0)), ("closes", time(23, 59, 59, 999999)))
                }
            )
        )
    engine.dispose()


def prepare(settings: Settings, extra: int = EXTRA_RESIDENTS) -> None:
    upgrade(settings.database_url)
    platform = bootstrap(settings, jobs=False)
    with platform.uow() as uow:
        load_demo(uow, settings.data_dir, settings.pki_dir, settings.kiosk_key_pepper, extra)
    platform.engine.dispose()
    _open_all_day(settings)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated and demo-loaded once per run (RSA keys are slow); each test gets a copy."""
    root = tmp_path_factory.mktemp("demo-template")
    prepare(load_settings({"KOFU_DATA_DIR": str(root)}))
    return root


@pytest.fixture
def data_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return load_settings({"KOFU_DATA_DIR": str(data_dir)})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, clock: FakeClock) -> Iterator[Platform]:
    built = bootstrap(settings, clock=clock)
    yield built
    built.queue.drain()
    built.close()


@pytest.fixture
def app(platform: Platform):  # type: ignore[no-untyped-def]
    return create_app(platform=platform)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def tokens(data_dir: Path) -> dict[str, str]:
    return json.loads((data_dir / "demo" / "kiosks.json").read_text())


@pytest.fixture
def kiosk(client, tokens: dict[str, str]) -> TestKiosk:  # type: ignore[no-untyped-def]
    return TestKiosk(client, tokens["K0001"])


@pytest.fixture
def other_kiosk(client, tokens: dict[str, str]) -> TestKiosk:  # type: ignore[no-untyped-def]
    return TestKiosk(client, tokens["K0002"])


@pytest.fixture
def cards(data_dir: Path) -> Path:
    return data_dir / "demo" / "cards"


def _service_url(name: str) -> str | None:
    url = os.environ.get(name)
    if not url:
        if REQUIRE_SERVICES:
            pytest.fail(f"{name} is not set but KOFU_REQUIRE_SERVICES=1: CI must run these tests")
        pytest.skip(f"{name} is not set")
    return url


@pytest.fixture(scope="session")
def postgres_server() -> str:
    return _service_url("KOFU_TEST_DATABASE_URL")  # type: ignore[return-value]


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _service_url("KOFU_TEST_REDIS_URL")  # type: ignore[return-value]


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database of our own on the test server, dropped afterwards."""
    name = f"kofu_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(postgres_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(postgres_server).rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as connection:
        connection.execute(
            text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()

"""PostgreSQL away: every endpoint answers 503 with Retry-After, the log says so once, and the
centre recovers by itself when the database is back. A private cluster, stopped at will."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from centre.bootstrap import Platform, bootstrap
from centre.settings import load_settings
from kiosk_api.app import create_app
from tests.conftest import FakeClock, prepare
from tests.integration.test_verification import printed, scanned_token
from tests.support.kiosk import TestKiosk
from tests.support.private_services import (
    PrivatePostgres,
    bounded,
    private_postgres,
    private_redis,
)
from tests.support.services import copy_cards, production_env, wait_for_workers, worker_process

pytestmark = [pytest.mark.slow]


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    with bounded(240), private_postgres() as server:
        yield server


@pytest.fixture
def platform(
    demo_template: Path, tmp_path: Path, postgres: PrivatePostgres, clock: FakeClock
) -> Iterator[Platform]:
    data_dir = tmp_path / "data"
    copy_cards(demo_template, data_dir)
    settings = load_settings(
        {"KOFU_DATA_DIR": str(data_dir), "KOFU_DATABASE_URL": postgres.url}
    )  # no Redis: renders in-process, so only the database can be away
    prepare(settings, 0)
    built = bootstrap(settings, clock=clock)
    yield built
    built.queue.drain()  # type: ignore[attr-defined]
    built.close()


def test_a_database_outage_answers_503_logs_once_and_recovers_without_restart(
    platform: Platform, postgres: PrivatePostgres, caplog: pytest.LogCaptureFixture
) -> None:
    client = create_app(platform=platform).test_client()
    tokens = json.loads((platform.settings.data_dir / "demo" / "kiosks.json").read_text())
    cards = platform.settings.data_dir / "demo" / "cards"
    _, pdf = printed(TestKiosk(client, tokens["K0001"]), cards / "yamada-taro.json")
    token = scanned_token(pdf)
    kiosk = TestKiosk(client, tokens["K0002"])

    postgres.stop()
    caplog.set_level(logging.INFO)
    caplog.clear()
    answers = []
    for _ in range(10):
        answers.append(kiosk.sign_in(cards / "yamada-hanako.json"))
        answers.append(client.get("/api/verify", query_string={"t": token}))
        answers.append(client.get("/verify", query_string={"t": token}))
    for answer in answers:
        assert answer.status_code == 503, answer.get_data(as_text=True)[:300]
        assert answer.headers["Retry-After"].isdigit()
        error = answer.json["error"]
        assert error["code"] == "SERVICE_UNAVAILABLE"
        assert error["message"]["ja"] and error["message"]["en"]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["failed"] == ["DATABASE_UNREACHABLE"]
    assert client.get("/healthz").status_code == 200  # alive: the balancer must not restart it
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(":")[0] for r in lines] == ["PostgreSQL unavailable"]
    assert "\n" not in lines[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)  # not a traceback per request

    postgres.start()
    client.application.extensions["kofu_readiness"].ttl = 0  # no waiting out its 1 s cache
    assert client.get("/readyz").status_code == 200
    assert kiosk.sign_in(cards / "yamada-hanako.json").status_code == 200
    verified = client.get("/api/verify", query_string={"t": token})
    assert verified.status_code == 200 and verified.json["genuine"] is True
    recovered = [r.getMessage() for r in caplog.records if "available again" in r.getMessage()]
    assert len(recovered) == 1 and recovered[0].startswith("PostgreSQL available again")


def test_a_kofu_worker_lives_through_a_database_outage_and_renders_when_it_returns(
    demo_template: Path, tmp_path: Path, postgres: PrivatePostgres, clock: FakeClock
) -> None:
    with private_redis() as redis:
        data_dir = tmp_path / "data"
        copy_cards(demo_template, data_dir)
        env = production_env(data_dir, postgres.url, redis.url)
        settings = load_settings(env)
        prepare(settings, 0)
        platform = bootstrap(settings, clock=clock)
        try:
            tokens = json.loads((data_dir / "demo" / "kiosks.json").read_text())
            kiosk = TestKiosk(create_app(platform=platform).test_client(), tokens["K0001"])
            assert (
                kiosk.sign_in(data_dir / "demo" / "cards" / "yamada-taro.json").status_code == 200
            )
            request_id = kiosk.request().json["request_id"]  # queued: no worker yet
            postgres.stop()
            with worker_process(env, tmp_path / "worker.log") as worker:
                wait_for_workers(platform.queue.queue, 1)  # type: ignore[attr-defined]
                time.sleep(7)  # it takes the job and fails it: rq retries after 1, 5, 15 s
                assert worker.poll() is None
                postgres.start()
                assert kiosk.wait(request_id, timeout=40)["state"] == "ready"
                assert worker.poll() is None
            log = (tmp_path / "worker.log").read_text(encoding="utf-8")
            # Failed attempts, retried: one line for the outage, one for its end, no traceback.
            assert log.count("the database (render jobs fail and are retried) unavailable") == 1
            assert "Traceback" not in log, log[-3000:]
        finally:
            platform.close()

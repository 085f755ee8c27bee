"""A Redis blip kills nothing: workers carry on, the sweeper piles nothing, verification limits.

Each test stops and starts a private redis-server of its own (never the shared one).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rq.timeouts import TimerDeathPenalty
from rq.worker.base import StopRequested
from sqlalchemy import func, select

from billing.model import BillingEvent
from centre.background import Sweeper
from centre.bootstrap import Platform, bootstrap
from centre.settings import load_settings
from centre.worker import RenderWorker, work_supervised
from issuance.model import CertificateRequest, RequestState
from kiosk_api.app import create_app
from tests.conftest import FakeClock, prepare
from tests.support.kiosk import TestKiosk
from tests.support.private_services import PrivateRedis, bounded, private_redis
from tests.support.services import copy_cards, production_env, wait_for_workers, worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

KIOSKS = 3
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    with bounded(180):
        yield


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.fixture
def env(
    demo_template: Path, tmp_path: Path, postgres_url: str, redis: PrivateRedis
) -> dict[str, str]:
    data_dir = tmp_path / "data"
    copy_cards(demo_template, data_dir)
    return {
        **production_env(data_dir, postgres_url, redis.url),
        "KOFU_VERIFY_RATE_PER_MINUTE": "5",
        "PYTHONPATH": str(ROOT),  # a `kofu worker` may run tests.support.jobs
    }


@pytest.fixture
def platform(env: dict[str, str], clock: FakeClock) -> Iterator[Platform]:
    settings = load_settings(env)
    prepare(settings, KIOSKS)
    built = bootstrap(settings, clock=clock)
    yield built
    built.close()


def kiosks(platform: Platform, count: int) -> list[TestKiosk]:
    app = create_app(platform=platform)
    tokens = json.loads((platform.settings.data_dir / "demo" / "kiosks.json").read_text())
    signed_in = []
    for i in range(count):
        kiosk = TestKiosk(app.test_client(), tokens["K0001"])
        card = platform.settings.data_dir / "demo" / "cards" / "extra" / f"extra-{i:04d}.json"
        assert kiosk.sign_in(card).status_code == 200, kiosk.last.json
        signed_in.append(kiosk)
    return signed_in


class CountingRenderer:
    """The platform's renderer, counted; holds each render until ``go`` is set."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.renders = 0
        self.started = threading.Event()
        self.go = threading.Event()
        self.go.set()

    def render(self, doc: Any) -> Any:
        self.started.set()
        assert self.go.wait(30)
        self.renders += 1
        return self.inner.render(doc)


class ThreadWorker(RenderWorker):
    """A RenderWorker that can run on a test thread: no signal handlers, no SIGALRM, and it
    ends when idle for a second (the supervisor starts the next one)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass

    def subscribe(self) -> None:
        pass  # no rq commands here; and redis-py joins a pub/sub thread up to 60 s on teardown

    def work(self, *args: Any, **kwargs: Any) -> bool:
        return super().work(*args, max_idle_time=1, **kwargs)


@pytest.fixture
def supervised(platform: Platform) -> Iterator[tuple[threading.Thread, list[str]]]:
    """`work_supervised` on a thread, as `kofu worker` runs it; ended by the test."""
    stop = threading.Event()
    crashes: list[str] = []

    def new_worker() -> RenderWorker:
        if stop.is_set():
            raise StopRequested()
        queue = platform.queue.queue  # type: ignore[attr-defined]
        return ThreadWorker([queue], platform.job_deps, connection=queue.connection)

    def run() -> None:
        try:
            work_supervised(new_worker, backoff=0.2, longest=1.0)
        except BaseException as exc:  # noqa: BLE001 - the test asserts there was none
            crashes.append(repr(exc))
            raise

    thread = threading.Thread(target=run, daemon=True, name="test-worker")
    thread.start()
    yield thread, crashes
    stop.set()
    thread.join(timeout=15)
    if thread.is_alive():
        import sys
        import traceback

        stack = "".join(traceback.format_stack(sys._current_frames()[thread.ident]))  # type: ignore[index]
        raise AssertionError(f"the supervised worker did not stop:\n{stack}")


def fee_events(platform: Platform, request_id: str) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(
            select(func.count())
            .select_from(BillingEvent)
            .where(BillingEvent.request_id == request_id)
        )


def test_a_worker_busy_while_redis_stops_keeps_running_and_works_after_it_returns(
    platform: Platform, redis: PrivateRedis, supervised: tuple[threading.Thread, list[str]]
) -> None:
    thread, crashes = supervised
    renderer = platform.renderer = CountingRenderer(platform.renderer)
    first, second = kiosks(platform, 2)
    renderer.go.clear()
    busy = first.request().json["request_id"]
    assert renderer.started.wait(30), "the worker never took the job"
    redis.stop()  # while the job renders: its announce and rq's bookkeeping will fail
    renderer.go.set()
    state = first.wait(busy, timeout=20)
    assert state["state"] == "ready"
    time.sleep(2)  # the worker meets the outage: before the fix it ended here
    assert thread.is_alive(), crashes
    redis.start()  # empty: nothing of before survives (no persistence)
    later = second.request().json["request_id"]
    assert second.wait(later, timeout=30)["state"] == "ready"
    assert thread.is_alive() and crashes == []
    for kiosk, request_id in ((first, busy), (second, later)):
        assert kiosk.call("GET", kiosk.path(request_id, "/document")).status_code == 200
        confirmed = kiosk.call(
            "POST", kiosk.path(request_id, "/confirmation"), {"result": "printed"}
        )
        assert confirmed.status_code == 200, confirmed.json
        assert fee_events(platform, request_id) == 1
    assert renderer.renders == 2


def test_a_kofu_worker_busy_while_redis_stops_lives_on_and_renders_after_it_returns(
    platform: Platform, redis: PrivateRedis, env: dict[str, str], tmp_path: Path
) -> None:
    """The observed case, as deployed: the process, not only its loop."""
    queue = platform.queue.queue  # type: ignore[attr-defined]
    with worker_process(env, tmp_path / "worker.log") as worker:
        wait_for_workers(queue, 1)
        busy = queue.enqueue("tests.support.jobs.pause", 3)
        deadline = time.monotonic() + 30
        while busy.get_status() != "started" and time.monotonic() < deadline:
            time.sleep(0.05)
        redis.stop()  # mid-job: rq cannot record its result when it ends
        time.sleep(5)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        redis.start()
        [kiosk] = kiosks(platform, 1)
        request_id = kiosk.request().json["request_id"]
        assert kiosk.wait(request_id, timeout=45)["state"] == "ready"
        assert worker.poll() is None
        worker.terminate()  # and it still stops when asked, cleanly
        assert worker.wait(timeout=15) == 0


def test_the_sweeper_piles_no_duplicates_during_or_after_a_redis_outage(
    platform: Platform, redis: PrivateRedis, clock: FakeClock
) -> None:
    renderer = platform.renderer = CountingRenderer(platform.renderer)
    request_ids = [k.request().json["request_id"] for k in kiosks(platform, KIOSKS)]
    queue = platform.queue.queue  # type: ignore[attr-defined]
    assert queue.count == KIOSKS  # no worker: each waits in the queue
    sweeper = Sweeper(platform)
    for _ in range(3):  # stuck past 30 s, three passes: still one job each
        clock.advance(31)
        sweeper.sweep_once()
    assert queue.count == KIOSKS
    redis.stop()
    for _ in range(3):
        clock.advance(31)
        sweeper.sweep_once()  # skipped: nothing to requeue into
    assert sweeper.skipped == 3
    redis.start()  # empty: the queued jobs are gone, the requests are not
    for _ in range(3):
        clock.advance(31)
        sweeper.sweep_once()
    assert queue.count == KIOSKS  # each requeued once, not once per pass
    ThreadWorker([queue], platform.job_deps, connection=queue.connection).work(burst=True)
    assert renderer.renders == KIOSKS
    with platform.uow() as uow:
        states = uow.session.scalars(
            select(CertificateRequest.state).where(CertificateRequest.id.in_(request_ids))
        ).all()
    assert states == [RequestState.READY] * KIOSKS


def test_verification_during_a_redis_outage_limits_in_process_and_logs_once(
    platform: Platform, redis: PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    client = create_app(platform=platform).test_client()
    redis.stop()
    caplog.set_level(logging.INFO)
    statuses = [
        client.get("/api/verify", query_string={"t": "x" * 40}).status_code for _ in range(8)
    ]
    statuses.append(client.get("/verify").status_code)
    assert 500 not in statuses
    assert statuses[:5] == [400] * 5  # malformed token: checked, within the limit of 5
    assert set(statuses[5:]) == {429}  # counted in this process: not unlimited
    outage = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert len(outage) == 1, [r.getMessage() for r in outage]
    assert client.get("/readyz").json["failed"] == ["REDIS_UNREACHABLE"]
    redis.start()
    client.application.extensions["kofu_readiness"].ttl = 0  # no waiting out its 1 s cache
    assert client.get("/readyz").status_code == 200


def test_a_request_submitted_while_redis_is_away_is_accepted_and_rendered_once_it_returns(
    platform: Platform, redis: PrivateRedis, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    [kiosk] = kiosks(platform, 1)
    redis.stop()
    caplog.set_level(logging.INFO)
    accepted = kiosk.request(key="one-request")
    # Not a 503 the kiosk would answer with a new request each time: stored and accepted.
    assert accepted.status_code == 202, accepted.json
    assert accepted.json["state"] == "accepted"
    request_id = accepted.json["request_id"]
    retried = kiosk.request(key="one-request")  # a retry with the same key: the same request
    assert retried.json["request_id"] == request_id
    polled = kiosk.call("GET", kiosk.path(request_id))  # polls work without Redis
    assert polled.status_code == 200 and polled.json["state"] == "accepted"
    outage = [r.getMessage() for r in caplog.records if "Redis" in r.getMessage()]
    assert len(outage) == 1, outage  # one line for the outage, none per request
    redis.start()
    queue = platform.queue.queue  # type: ignore[attr-defined]
    assert queue.count == 0  # an empty Redis: nothing was queued while it was away
    # The balancer's next readiness check (every 2 s) finds Redis back and flushes what waited.
    assert kiosk.call("GET", "/readyz").status_code == 200
    assert queue.count == 1  # enqueued by the process that took it, as soon as Redis answers
    clock.advance(31)
    Sweeper(platform).sweep_once()  # the sweeper, the backstop, adds no second job
    assert queue.count == 1
    ThreadWorker([queue], platform.job_deps, connection=queue.connection).work(burst=True)
    assert kiosk.wait(request_id, timeout=10)["state"] == "ready"

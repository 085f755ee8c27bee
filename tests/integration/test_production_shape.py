"""PostgreSQL, Redis and `kofu worker` processes: concurrency, crashes, and nothing crossed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from centre.bootstrap import Platform, bootstrap
from centre.settings import load_settings
from issuance.model import CertificateRequest, RequestState
from issuance.sweeper import SweepPolicy, sweep
from kiosk_api.app import create_app
from tests.conftest import EXTRA_RESIDENTS, FakeClock, prepare
from tests.support.kiosk import TestKiosk
from tests.support.pdf import named_residents
from tests.support.services import (
    copy_cards,
    production_env,
    wait_for_workers,
    worker_process,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def shape(
    demo_template: Path, tmp_path: Path, postgres_url: str, redis_url: str, clock: FakeClock
) -> Iterator[tuple[Platform, dict[str, str]]]:
    data_dir = tmp_path / "data"
    copy_cards(demo_template, data_dir)
    env = production_env(data_dir, postgres_url, redis_url)
    settings = load_settings(env)
    prepare(settings, EXTRA_RESIDENTS)
    platform = bootstrap(settings, clock=clock)
    yield platform, env
    platform.queue.queue.empty()
    platform.close()


def extra_card(data_dir: Path, i: int) -> Path:
    return data_dir / "demo" / "cards" / "extra" / f"extra-{i:04d}.json"


def test_many_kiosks_at_once_each_get_only_their_own_residents_document(
    shape: tuple[Platform, dict[str, str]], tmp_path: Path
) -> None:
    platform, env = shape
    app = create_app(platform=platform)
    tokens = platform.settings.data_dir / "demo" / "kiosks.json"
    import json

    kiosk_tokens = list(json.loads(tokens.read_text()).values())
    results: dict[int, bytes] = {}
    errors: list[str] = []

    def one_kiosk(i: int) -> None:
        try:
            kiosk = TestKiosk(app.test_client(), kiosk_tokens[i % len(kiosk_tokens)])
            ready, pdf = kiosk.issue(extra_card(platform.settings.data_dir, i))
            results[i] = pdf
            kiosk.call(
                "POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": "printed"}
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(f"kiosk {i}: {exc!r}")

    with worker_process(env, tmp_path / "w1.log"), worker_process(env, tmp_path / "w2.log"):
        wait_for_workers(platform.queue.queue, 2)
        threads = [threading.Thread(target=one_kiosk, args=(i,)) for i in range(EXTRA_RESIDENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    assert errors == []
    assert len(results) == EXTRA_RESIDENTS
    for i, pdf in results.items():
        assert named_residents(pdf) == {f"{i:04d}"}, f"kiosk {i} got someone else's document"


def test_a_worker_killed_mid_run_loses_nothing_and_crosses_nothing(
    shape: tuple[Platform, dict[str, str]], tmp_path: Path, clock: FakeClock
) -> None:
    platform, env = shape
    app = create_app(platform=platform)
    import json

    token = json.loads((platform.settings.data_dir / "demo" / "kiosks.json").read_text())["K0001"]
    kiosks: dict[int, tuple[TestKiosk, str]] = {}
    for i in range(12):
        kiosk = TestKiosk(app.test_client(), token)
        assert kiosk.sign_in(extra_card(platform.settings.data_dir, i)).status_code == 200
        kiosks[i] = (kiosk, kiosk.request().json["request_id"])
    with worker_process(env, tmp_path / "doomed.log") as doomed:
        wait_for_workers(platform.queue.queue, 1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _count(platform, RequestState.READY) < 3:
            time.sleep(0.05)
        doomed.kill()  # SIGKILL: no clean-up, mid-render
        doomed.wait()
    assert _count(platform, RequestState.READY) < 12
    clock.advance(31)  # the sweeper requeues what the dead worker held
    with platform.uow() as uow:
        assert sweep(uow, platform.queue, SweepPolicy(), platform.now()).requeued >= 1
    with worker_process(env, tmp_path / "rescuer.log"):
        wait_for_workers(platform.queue.queue, 1)
        for i, (kiosk, request_id) in kiosks.items():
            assert kiosk.wait(request_id, timeout=60)["state"] == "ready"
            pdf = kiosk.call("GET", kiosk.path(request_id, "/document")).data
            assert named_residents(pdf) == {f"{i:04d}"}


def _count(platform: Platform, state: RequestState) -> int:
    with platform.uow() as uow:
        return len(
            list(
                uow.session.scalars(
                    select(CertificateRequest.id).where(CertificateRequest.state == state)
                )
            )
        )


def _one_kiosk(platform: Platform, i: int) -> TestKiosk:
    import json

    app = create_app(platform=platform)
    token = json.loads((platform.settings.data_dir / "demo" / "kiosks.json").read_text())["K0001"]
    kiosk = TestKiosk(app.test_client(), token)
    assert kiosk.sign_in(extra_card(platform.settings.data_dir, i)).status_code == 200
    return kiosk


def test_a_kiosk_waiting_on_its_poll_is_answered_ready_in_one_call(
    shape: tuple[Platform, dict[str, str]], tmp_path: Path
) -> None:
    """The long poll: one GET ?wait=… is held at the centre until the worker has the document."""
    platform, env = shape
    kiosk = _one_kiosk(platform, 3)
    request_id = kiosk.request().json["request_id"]
    with worker_process(env, tmp_path / "w.log"):
        answer = kiosk.call("GET", kiosk.path(request_id) + "?wait=20")
    assert answer.status_code == 200 and answer.json["state"] == "ready"
    pdf = kiosk.call("GET", kiosk.path(request_id, "/document")).data
    assert named_residents(pdf) == {"0003"}


def test_a_poll_held_longer_than_redis_answers_quietly_still_answers(
    shape: tuple[Platform, dict[str, str]],
) -> None:
    """No worker runs, so nothing is announced: the held poll outlasts Redis's default socket
    timeout (5 s) and must still answer with the state, not an error."""
    platform, _env = shape
    kiosk = _one_kiosk(platform, 6)
    request_id = kiosk.request().json["request_id"]
    started = time.monotonic()
    answer = kiosk.call("GET", kiosk.path(request_id) + "?wait=7")
    assert answer.status_code == 200 and answer.json["state"] == "accepted"
    assert time.monotonic() - started >= 6.5


def test_a_request_that_may_wait_is_answered_ready_by_a_real_worker(
    shape: tuple[Platform, dict[str, str]], tmp_path: Path
) -> None:
    """POST …/requests?wait=…: the worker's announcement on Redis wakes the request's answer."""
    platform, env = shape
    kiosk = _one_kiosk(platform, 5)
    body = {"certificate": "juminhyo", "options": {"members": "all"}, "copies": 1}
    with worker_process(env, tmp_path / "w.log"):
        wait_for_workers(platform.queue.queue, 1)
        answer = kiosk.call(
            "POST",
            f"/v1/sessions/{kiosk.session_id}/requests?wait=20",
            {**body, "idempotency_key": "held-by-a-real-worker"},
        )
    assert answer.status_code == 202 and answer.json["state"] == "ready"
    pdf = kiosk.call("GET", kiosk.path(answer.json["request_id"], "/document")).data
    assert named_residents(pdf) == {"0005"}


def test_a_render_that_fails_for_a_moment_is_retried_within_seconds(
    shape: tuple[Platform, dict[str, str]], tmp_path: Path
) -> None:
    """The signing key named current is not on this worker's volume yet (a rotation half
    copied): the first attempt fails, rq retries after 1 s, and the resident gets the document
    long before the sweeper's 30 s would have requeued it."""
    from rq.registry import ScheduledJobRegistry

    from issuance.authenticity.tokens import Keyring

    platform, env = shape
    keys = platform.settings.signing_key_dir
    assert keys is not None
    pem = keys / f"{Keyring(keys).current_kid()}.pem"
    held = pem.read_bytes()
    pem.unlink()
    kiosk = _one_kiosk(platform, 4)
    request_id = kiosk.request().json["request_id"]
    scheduled = ScheduledJobRegistry(queue=platform.queue.queue)
    with worker_process(env, tmp_path / "w.log"):
        deadline = time.monotonic() + 60
        while scheduled.count == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scheduled.count == 1, "the first attempt should have failed and been scheduled"
        pem.write_bytes(held)
        state = kiosk.wait(request_id, timeout=20)
    assert state["state"] == "ready"
    pdf = kiosk.call("GET", kiosk.path(request_id, "/document")).data
    assert named_residents(pdf) == {"0004"}

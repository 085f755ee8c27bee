"""Own servers that trickle, dawdle or flood: total deadlines, size caps, kept-alive connections."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from issuance.records import RecordQuery
from municipal_server.faulty import FaultyServer
from municipalities.own_server import BackendUnavailableError, OwnServerBackend, OwnServerPool
from municipalities.tls import centre_files, make_test_pki, server_files

YOKOHAMA = "141003"
DEADLINE = 1.0  # seconds: the server's timeout_seconds
MARGIN = 0.5  # seconds of scheduling slack allowed past the deadline
TRICKLE_GAP = DEADLINE * 2 / 3  # like 1 byte every 2 s against a 3 s timeout
NOT_FOUND = json.dumps({"error": "NOT_FOUND"}).encode()
HUGE = 50 * 1024 * 1024  # bytes
CAP = 1024 * 1024  # bytes


def knows_nobody(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
    """A protocol server with no records: every answer is the protocol's NOT_FOUND."""
    start_response("404 Not Found", [("Content-Type", "application/json")])
    return [NOT_FOUND]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_test_pki(tmp_path_factory.mktemp("municipal-pki"))


@pytest.fixture
def server(pki: Path) -> Iterator[FaultyServer]:
    faulty = FaultyServer(knows_nobody, "127.0.0.1", 0, server_files(pki)).start()
    faulty.flood_bytes = HUGE
    yield faulty
    faulty.shutdown()
    faulty.server_close()


@pytest.fixture
def outcomes() -> list[str]:
    return []


@pytest.fixture
def pool(pki: Path, outcomes: list[str]) -> Iterator[OwnServerPool]:
    pool = OwnServerPool(
        centre_files(pki),
        lambda code, seconds, outcome: outcomes.append(outcome),
        calls_per_municipality=4,
    )
    yield pool
    pool.close()


@pytest.fixture
def settings(server: FaultyServer) -> dict[str, Any]:
    return {
        "url": server.url,
        "timeout_seconds": DEADLINE,
        "max_answer_bytes": CAP,
        "breaker_threshold": 2,
        "breaker_cooldown_seconds": 60.0,
    }


@pytest.fixture
def backend(pool: OwnServerPool, settings: dict[str, Any]) -> OwnServerBackend:
    return pool.backend(YOKOHAMA, settings)


def fetch(backend: OwnServerBackend) -> Any:
    return backend.seal_registration(None, RecordQuery("r" * 32, YOKOHAMA, "80000000011"))  # type: ignore[arg-type]


def refusal(backend: OwnServerBackend) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(BackendUnavailableError) as raised:
        fetch(backend)
    return str(raised.value.details.get("reason")), time.monotonic() - started


def test_a_trickling_server_is_given_up_on_at_the_deadline_and_opens_the_circuit(
    server: FaultyServer, backend: OwnServerBackend, outcomes: list[str]
) -> None:
    server.mode, server.gap = "trickle", TRICKLE_GAP  # each byte well inside a read timeout
    for _ in range(2):  # the breaker's threshold
        reason, seconds = refusal(backend)
        assert reason == "timeout"
        assert DEADLINE * 0.9 < seconds < DEADLINE + MARGIN
    calls = server.calls
    reason, seconds = refusal(backend)
    assert (reason, server.calls) == ("circuit open", calls)  # the server is left alone
    assert seconds < 0.1
    assert outcomes == ["timeout", "timeout", "circuit_open"]


def test_calls_beyond_the_municipalitys_share_are_refused_at_once_and_not_held_against_it(
    server: FaultyServer, pool: OwnServerPool, settings: dict[str, Any], outcomes: list[str]
) -> None:
    server.mode, server.gap = "trickle", TRICKLE_GAP
    backend = pool.backend(YOKOHAMA, {**settings, "max_concurrent_calls": 2})
    with ThreadPoolExecutor(2) as threads:
        held = [threads.submit(refusal, backend) for _ in range(2)]
        while server.calls < 2:  # both slots taken by calls the server trickles
            time.sleep(0.01)
        reason, seconds = refusal(backend)
        assert reason == "busy" and seconds < 0.1
        assert [f.result()[0] for f in held] == ["timeout", "timeout"]
    assert sorted(outcomes) == ["busy", "timeout", "timeout"]
    assert backend.breaker.failures == 2  # the busy refusal is no failure of the server


def test_a_server_trickling_its_headers_is_given_up_on_at_the_deadline(
    server: FaultyServer, backend: OwnServerBackend, outcomes: list[str]
) -> None:
    server.mode, server.gap = "trickle-head", TRICKLE_GAP  # the status line never ends in time
    reason, seconds = refusal(backend)
    assert reason == "timeout" and outcomes == ["timeout"]
    assert DEADLINE * 0.9 < seconds < DEADLINE + MARGIN


def test_a_slow_server_answering_inside_its_deadline_is_still_heard(
    server: FaultyServer, backend: OwnServerBackend, outcomes: list[str]
) -> None:
    server.mode, server.gap = "slow", DEADLINE * 0.2  # 0.8 of the deadline in all
    for _ in range(3):  # more than the breaker's threshold: no failure is counted
        assert fetch(backend) is None
    assert outcomes == ["not_found"] * 3


def _rss_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_huge_answer_is_refused_without_holding_it_in_memory(
    server: FaultyServer, backend: OwnServerBackend, outcomes: list[str]
) -> None:
    server.mode = "huge"
    before, peak, done = _rss_bytes(), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        reason, _ = refusal(backend)
    finally:
        done.set()
        sampler.join()
    assert reason == "too_large" and outcomes == ["too_large"]
    assert peak[0] - before < HUGE / 10  # a few MB at most, not the 50 MB sent


def test_fetches_share_kept_alive_connections_instead_of_a_handshake_each(
    server: FaultyServer, backend: OwnServerBackend
) -> None:
    for _ in range(20):
        assert fetch(backend) is None
    assert server.connections == 1
    with ThreadPoolExecutor(4) as threads:
        assert list(threads.map(lambda _: fetch(backend), range(40))) == [None] * 40
    assert server.connections <= 4  # at most one per thread calling at once


def test_a_forked_process_opens_connections_of_its_own(
    server: FaultyServer, pool: OwnServerPool, settings: dict[str, Any]
) -> None:
    assert fetch(pool.backend(YOKOHAMA, settings)) is None
    child = os.fork()
    if child == 0:  # e.g. a gunicorn worker forked after the app was loaded
        try:
            os._exit(0 if fetch(pool.backend(YOKOHAMA, settings)) is None else 1)
        finally:
            os._exit(2)
    assert os.waitpid(child, 0)[1] == 0
    assert server.connections == 2  # the parent's connection was left to the parent
    assert fetch(pool.backend(YOKOHAMA, settings)) is None
    assert server.connections == 2

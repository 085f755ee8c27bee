"""Bulkheads: a slow own server holds a bounded share of threads, never BCL's renders."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import timedelta
from typing import Any

import pytest

from centre.queue import InProcessQueue, lane_queue_name
from issuance.model import CertificateKind
from issuance.ports import RenderLane
from issuance.records import RecordQuery
from issuance.services import NewRequest, submit_request
from issuance.sweeper import SweepPolicy, sweep
from municipalities.bulkhead import Bulkhead
from municipalities.https_client import Answer
from municipalities.own_server import (
    BackendUnavailableError,
    CircuitBreaker,
    OwnServerBackend,
    ServerConfig,
)
from tests.unit.world import CITY, KIOSK, World

NOT_FOUND = Answer(404, json.dumps({"error": "NOT_FOUND"}).encode())


class HeldServer:
    """A client whose calls wait until the test lets them answer."""

    def __init__(self) -> None:
        self.release, self.inside = threading.Event(), threading.Semaphore(0)

    def post_json(self, *args: Any, **kwargs: Any) -> Answer:
        self.inside.release()
        self.release.wait(5)
        return NOT_FOUND


def backend(client: HeldServer, bulkhead: Bulkhead, limit: int = 2) -> OwnServerBackend:
    config = ServerConfig(url="https://own.example")
    breaker = CircuitBreaker(threshold=1)
    return OwnServerBackend(
        "141003",
        config,
        client,
        breaker,
        lambda *a: None,
        bulkhead,
        limit,  # type: ignore[arg-type]
    )


def fetch(own: OwnServerBackend) -> Any:
    return own.seal_registration(None, RecordQuery("r" * 32, "141003", "80000000011"))  # type: ignore[arg-type]


def test_a_call_beyond_the_municipalitys_share_is_refused_at_once_as_busy() -> None:
    server, bulkhead = HeldServer(), Bulkhead()
    own = backend(server, bulkhead)
    callers = [threading.Thread(target=fetch, args=(own,)) for _ in range(2)]
    for caller in callers:
        caller.start()
    for _ in callers:
        assert server.inside.acquire(timeout=5)
    with pytest.raises(BackendUnavailableError) as refused:
        fetch(own)
    assert refused.value.details == {"reason": "busy"}
    assert refused.value.code == "BACKEND_UNAVAILABLE"
    assert own.breaker.failures == 0  # the server has not failed: the breaker stays closed
    server.release.set()
    for caller in callers:
        caller.join(5)
    assert fetch(own) is None  # the slots are free again


def test_another_municipality_keeps_its_own_share() -> None:
    bulkhead = Bulkhead()
    with bulkhead.slot("141003", 1) as first, bulkhead.slot("141003", 1) as second:
        assert (first, second) == (True, False)
        with bulkhead.slot("271004", 1) as other:
            assert other
    with bulkhead.slot("141003", 1) as again:
        assert again


def test_every_own_server_together_keeps_within_the_process_wide_bound() -> None:
    bulkhead = Bulkhead(in_all=2)
    with bulkhead.slot("141003", 2) as first, bulkhead.slot("271004", 2) as second:
        assert (first, second) == (True, True)
        with bulkhead.slot("011002", 2) as third:
            assert not third  # its own share is free, but the servers' share is taken
    with bulkhead.slot("011002", 2) as later, bulkhead.slot("141003", 1) as again:
        assert (later, again) == (True, True)


def test_a_servers_own_setting_overrides_the_centres_default() -> None:
    config = ServerConfig.from_settings({"url": "https://own.example", "max_concurrent_calls": 5})
    own = OwnServerBackend("141003", config, None, CircuitBreaker(), lambda *a: None, None, 2)
    assert own.max_concurrent_calls == 5


def own_server_world(world: World) -> World:
    home = world.directory.municipalities[CITY]
    world.directory.municipalities[CITY] = dataclasses.replace(home, backend_kind="own_server")
    return world


def submitted(world: World, key: str) -> str:
    if not world.session_id:
        world.sign_in()
    new = NewRequest(CertificateKind.JUMINHYO, {"members": "all"}, 1, key)
    request, _ = submit_request(
        world.uow,
        world.directory,
        world.backends,
        world.queue,
        world.trust,
        KIOSK,
        world.session_id,
        new,
        world.now,
    )
    return request.id


def test_a_bcl_municipalitys_render_goes_to_the_bcl_lane(world: World) -> None:
    request_id = submitted(world, "k-1")
    assert world.queue.lanes[request_id] is RenderLane.BCL


def test_an_own_server_municipalitys_render_goes_to_its_own_lane_and_is_requeued_there(
    world: World,
) -> None:
    request_id = submitted(own_server_world(world), "k-1")
    assert world.queue.lanes[request_id] is RenderLane.OWN_SERVER
    world.queue.lanes.clear()
    later = world.now + timedelta(minutes=1)
    assert sweep(world.uow, world.queue, SweepPolicy(), later, world.directory).requeued == 1
    assert world.queue.lanes == {request_id: RenderLane.OWN_SERVER}


def test_the_lanes_are_two_rq_queues() -> None:
    assert lane_queue_name("kofu-render", RenderLane.BCL) == "kofu-render"
    assert lane_queue_name("kofu-render", RenderLane.OWN_SERVER) == "kofu-render-own"


def test_in_process_own_server_renders_stuck_on_a_server_leave_bcl_renders_running() -> None:
    stuck, done = threading.Event(), threading.Event()

    def job(request_id: str) -> None:
        if request_id.startswith("own"):
            stuck.wait(5)
        else:
            done.set()

    queue = InProcessQueue(job, threads=1, own_threads=1)
    try:
        queue.enqueue_render("own-1", RenderLane.OWN_SERVER)
        queue.enqueue_render("own-2", RenderLane.OWN_SERVER)
        queue.enqueue_render("bcl-1", RenderLane.BCL)
        assert done.wait(2), "a BCL render waited behind own-server renders"
    finally:
        stuck.set()
        queue.drain()

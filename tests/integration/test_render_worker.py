"""The rq worker hands each job its process's dependencies; Redis holds only name and id."""

from __future__ import annotations

import uuid

import pytest
from redis import Redis
from rq import Queue

from centre.worker import RenderWorker

pytestmark = pytest.mark.redis


def test_a_job_runs_with_the_deps_of_the_worker_that_took_it(redis_url: str) -> None:
    connection = Redis.from_url(redis_url)
    queue = Queue(f"kofu-test-{uuid.uuid4().hex[:8]}", connection=connection)
    job = queue.enqueue("tests.support.jobs.echo_deps", "request-1")
    assert job.args == ("request-1",) and job.kwargs == {}  # what travels through Redis
    built: list[str] = []

    def deps() -> str:
        built.append("deps")
        return "the worker's deps"

    worker = RenderWorker([queue], deps, connection=connection)  # type: ignore[arg-type]
    worker.work(burst=True, with_scheduler=False)
    job.refresh()
    assert job.return_value() == "request-1 ran with the worker's deps"
    assert built == ["deps"]
    queue.delete(delete_jobs=True)
    connection.close()


def test_own_server_renders_wait_in_a_queue_of_their_own(redis_url: str) -> None:
    from centre.queue import RENDER_JOB, RqQueue
    from issuance.ports import RenderLane

    name = f"kofu-test-{uuid.uuid4().hex[:8]}"
    queue = RqQueue(redis_url, name, job_timeout=60)
    try:
        queue.enqueue_render("a" * 32)
        queue.enqueue_render("b" * 32, RenderLane.OWN_SERVER)
        bcl, own = queue.lane(RenderLane.BCL), queue.lane(RenderLane.OWN_SERVER)
        assert (bcl.name, own.name) == (name, f"{name}-own")
        assert [(j.func_name, j.args) for j in bcl.jobs] == [(RENDER_JOB, ("a" * 32,))]
        assert [(j.func_name, j.args) for j in own.jobs] == [(RENDER_JOB, ("b" * 32,))]
        assert queue.depth() == 2
    finally:
        for lane in RenderLane:
            queue.lane(lane).delete(delete_jobs=True)
        queue.close()

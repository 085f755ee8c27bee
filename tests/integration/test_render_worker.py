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

"""The rq worker hands each job its process's dependencies; Redis holds only name and id."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from centre import metrics
from centre.worker import RenderWorker
from tests.support.services import copy_cards, production_env, worker_process

ROOT = Path(__file__).resolve().parents[2]

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
        assert (queue.depth(RenderLane.BCL), queue.depth(RenderLane.OWN_SERVER)) == (1, 1)
        exposition, _ = metrics.render_latest(queue.depth)
        # What an operator watches: a slow municipal server shows as a growing own lane.
        assert 'kofu_render_queue_depth{lane="own"} 1.0' in exposition.decode()
        assert 'kofu_render_queue_depth{lane="bcl"} 1.0' in exposition.decode()
    finally:
        for lane in RenderLane:
            queue.lane(lane).delete(delete_jobs=True)
        queue.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_worker_of_both_lanes_renders_own_server_requests_while_bcl_work_keeps_coming(
    demo_template: Path, tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    """BCL first, but never BCL only: under steady BCL load the BCL queue is never empty, and
    a 横浜市 render behind it waited until its render timeout."""
    data_dir = tmp_path / "data"
    copy_cards(demo_template, data_dir)
    env = {**production_env(data_dir, postgres_url, redis_url), "PYTHONPATH": str(ROOT)}
    connection = Redis.from_url(redis_url)
    bcl = Queue(env["KOFU_QUEUE_NAME"], connection=connection)
    own = Queue(env["KOFU_QUEUE_NAME"] + "-own", connection=connection)
    try:
        for _ in range(40):  # 20 s of BCL work for one worker
            bcl.enqueue("tests.support.jobs.pause", 0.5)
        job = own.enqueue("tests.support.jobs.echo_deps", "yokohama-1")
        with worker_process(env, tmp_path / "worker.log"):
            deadline = time.monotonic() + 60
            while job.get_status(refresh=True) != "finished" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert job.get_status() == "finished", (tmp_path / "worker.log").read_text()[-2000:]
            assert bcl.count > 0  # done while BCL work was still waiting, not after it
    finally:
        bcl.delete(delete_jobs=True)
        own.delete(delete_jobs=True)
        connection.close()

"""Where render jobs go: rq on Redis in production, a thread pool in the embedded default."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)

RENDER_JOB = "kiosk_api.jobs.render_request"


class InProcessQueue:
    """Runs the job function in background threads of this process (SQLite, no Redis)."""

    def __init__(self, job: Callable[[str], object], threads: int) -> None:
        self._job = job
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kofu-render")
        self._pending = 0
        self._lock = threading.Lock()

    def enqueue_render(self, request_id: str) -> None:
        with self._lock:
            self._pending += 1
        future = self._executor.submit(self._job, request_id)
        future.add_done_callback(self._done)

    def _done(self, future: Future[object]) -> None:
        with self._lock:
            self._pending -= 1
        if future.exception() is not None:
            log.error("render job failed", exc_info=future.exception())

    def depth(self) -> int:
        return max(self._pending, 0)

    def drain(self) -> None:
        """Wait for every queued job (tests and shutdown)."""
        self._executor.shutdown(wait=True)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class RqQueue:
    """Enqueues by job function name. Each enqueue gets its own job id: the job is idempotent,
    and a fresh id never collides with a dead worker's entry still in rq's started registry."""

    def __init__(self, redis_url: str, queue_name: str, job_timeout: int) -> None:
        from redis import Redis
        from rq import Queue

        self._redis = Redis.from_url(redis_url)
        self._queue = Queue(queue_name, connection=self._redis)
        self._job_timeout = job_timeout

    def enqueue_render(self, request_id: str) -> None:
        from rq import Retry

        self._queue.enqueue(
            RENDER_JOB,
            request_id,
            job_id=f"render-{request_id}-{secrets.token_hex(4)}",
            job_timeout=self._job_timeout,
            retry=Retry(max=3, interval=[1, 5, 15]),
            result_ttl=300,
            failure_ttl=86400,
        )

    def depth(self) -> int:
        return self._queue.count

    @property
    def queue(self):  # type: ignore[no-untyped-def]
        return self._queue

    def close(self) -> None:
        self._redis.close()

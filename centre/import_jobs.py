"""Import jobs for extracts uploaded from the portal: the job function and where it is queued.

With Redis the portal enqueues ``import_upload`` by name with the upload's id on the queue
``<queue_name>-imports``, which `kofu worker` works on a thread of its own (an import never
holds up a render); without Redis (the embedded default) the portal runs it on a thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from centre.jobs import RenderDeps
from municipalities.bcl_uploads import UowFactory, run_upload

log = logging.getLogger("kofu.jobs")

IMPORT_JOB = "centre.import_jobs.import_upload"
IMPORTS_SUFFIX = "-imports"
IMPORT_TIMEOUT_S = 1800  # 250,000 rows take about 12 s on SQLite: a wide margin


def import_upload(upload_id: str, *, deps: RenderDeps) -> str:
    """Import the stored upload ``upload_id`` with the worker's database; its final state.

    Takes the worker's deps like every job (its unit of work and clock); running it twice
    changes nothing (a finished upload is left as it is).
    """
    production = deps.production
    return run_upload(production.uow_factory, upload_id, production.clock)


def imports_queue_name(queue_name: str) -> str:
    """The rq queue of import jobs, beside the render lanes."""
    return queue_name + IMPORTS_SUFFIX


class ImportQueue(Protocol):
    def enqueue_import(self, upload_id: str) -> None:
        """Queue the import of a committed upload. Raises QueueUnavailableError (Redis away)."""
        ...


class RqImports:
    """Enqueues import jobs on Redis, one job per upload (its id is the job's)."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        from redis import Redis
        from rq import Queue

        self._redis = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
        self.queue = Queue(imports_queue_name(queue_name), connection=self._redis)

    def enqueue_import(self, upload_id: str) -> None:
        from redis import RedisError

        from issuance.ports import QueueUnavailableError

        try:
            self.queue.enqueue(
                IMPORT_JOB,
                upload_id,
                job_id=f"import-{upload_id}",
                job_timeout=IMPORT_TIMEOUT_S,
                result_ttl=3600,
                failure_ttl=86400,
            )
        except RedisError as exc:
            raise QueueUnavailableError(str(exc)) from exc

    def close(self) -> None:
        self._redis.close()


class ThreadImports:
    """Runs each import on a thread of this process (the embedded default, no Redis)."""

    def __init__(self, job: Callable[[str], object]) -> None:
        self._job = job
        self._threads: list[threading.Thread] = []

    def enqueue_import(self, upload_id: str) -> None:
        thread = threading.Thread(
            target=self._run, args=(upload_id,), daemon=True, name="kofu-import"
        )
        self._threads.append(thread)
        thread.start()

    def _run(self, upload_id: str) -> None:
        try:
            self._job(upload_id)
        except Exception:  # noqa: BLE001 - the upload says FAILED; the cause goes to the log
            log.exception("import of upload %s failed", upload_id)

    def drain(self) -> None:
        """Wait for every import started (tests, shutdown)."""
        for thread in self._threads:
            thread.join()

    def close(self) -> None:
        pass


def imports_for(
    redis_url: str | None,
    queue_name: str,
    uow_factory: UowFactory,
    clock: Callable[[], datetime],
) -> RqImports | ThreadImports:
    """Where this process queues imports: Redis when configured, else its own threads."""
    if redis_url:
        return RqImports(redis_url, queue_name)
    return ThreadImports(lambda upload_id: run_upload(uow_factory, upload_id, clock))

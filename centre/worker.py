"""`kofu worker`: an rq worker for render jobs, with the platform built once per process."""

from __future__ import annotations

import gc
import logging
import threading

from centre.background import start_sweeper
from centre.bootstrap import bootstrap
from centre.settings import Settings

log = logging.getLogger("kofu.worker")


def run_worker(settings: Settings, burst: bool = False) -> None:
    from rq import SimpleWorker

    platform = bootstrap(settings)
    # Warm the renderer the jobs will use (SimpleWorker runs them on this thread) before the
    # first resident waits for it.
    platform.renderer.warm()
    # What is loaded now (modules, fonts, templates) lives as long as the process: keep the
    # garbage collector from scanning it again after every render.
    gc.collect()
    gc.freeze()
    queue = platform.queue.queue
    # SimpleWorker runs jobs in this process: no fork per job, so fonts and connections stay warm.
    worker = SimpleWorker([queue], connection=queue.connection)
    if burst:
        worker.work(burst=True, with_scheduler=False)
        return
    start_sweeper(platform)
    stop = threading.Event()
    retries = threading.Thread(
        target=_requeue_due_retries, args=(queue, stop), daemon=True, name="kofu-retries"
    )
    retries.start()
    try:
        worker.work(with_scheduler=False)
    finally:
        stop.set()
        retries.join(timeout=5)


def _requeue_due_retries(queue, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """Put failed renders whose retry interval has passed back on the queue, every second.

    A render that failed on something passing (the database restarting, a key being rotated)
    is retried by rq after 1, 5 and 15 s; those retries wait in rq's scheduled registry until
    a scheduler moves them. rq's own scheduler is a forked process that would outlive a
    SIGKILLed worker, so each worker runs this thread instead; a Redis lock lets one at a time
    do it (a dead holder's lock lapses after a minute, and the sweeper covers that minute).
    """
    from rq.scheduler import RQScheduler

    scheduler = RQScheduler([queue], connection=queue.connection, interval=1)
    try:
        while not stop.wait(1.0):
            try:
                if scheduler.acquire_locks():
                    scheduler.enqueue_scheduled_jobs()
            except Exception:  # noqa: BLE001 - Redis away for a moment: try next second
                log.exception("moving due retries failed")
    finally:
        scheduler.release_locks()

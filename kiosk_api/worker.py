"""`kofu worker`: an rq worker for render jobs, with the platform built once per process."""

from __future__ import annotations

from kiosk_api.platform import bootstrap
from kiosk_api.settings import Settings


def run_worker(settings: Settings, burst: bool = False) -> None:
    from rq import SimpleWorker

    from kiosk_api.cli import start_sweeper

    platform = bootstrap(settings)
    # Warm the renderer (fonts, CSS) before the first resident waits for it.
    from issuance.rendering import JuminhyoRenderer

    JuminhyoRenderer()
    queue = platform.queue.queue
    # SimpleWorker runs jobs in this process: no fork per job, so fonts and connections stay warm.
    worker = SimpleWorker([queue], connection=queue.connection)
    if not burst:
        start_sweeper(settings)
    worker.work(burst=burst, with_scheduler=False)

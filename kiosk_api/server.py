"""gunicorn, configured from the settings: the production shape of `kofu serve`."""

from __future__ import annotations

import os
from typing import Any

from centre import serving
from centre.settings import Settings
from kiosk_api.app import create_app


def _post_worker_init(worker: Any) -> None:
    """Start this worker's sweeper on the platform of the app it loaded (one sweeps at a time)."""
    from flask import Flask

    from centre.background import Sweeper
    from kiosk_api.extension import platform_of

    if isinstance(worker.wsgi, Flask):  # else gunicorn serves its error app: nothing to sweep
        Sweeper(platform_of(worker.wsgi)).start()


def _child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def serve(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the kiosk API on ``host:port`` until stopped (blocks); each worker sweeps."""
    options = serving.options_for(host, port, workers, threads, settings.log_format)
    options.update(
        {
            # Above the app's own limits (kiosk_api/limits.py), so the app answers a long URI
            # or header with its JSON 414/431; gunicorn's plain-text 400 only past these.
            "limit_request_line": 8190,  # gunicorn's maximum
            "limit_request_field_size": 16384,
            "limit_request_fields": 200,
            "post_worker_init": _post_worker_init,
            "child_exit": _child_exit,
        }
    )
    serving.run(create_app, settings, options)

"""gunicorn, configured from the settings: the production shape of `kofu serve`."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from centre import redaction
from centre.settings import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from kiosk_api.app import create_app

        return create_app(self._settings)


class _MaskingLogger(Logger):  # type: ignore[misc]
    """gunicorn's own loggers do not propagate to the root: give their handlers the backstop."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        redaction.install([self.error_log, self.access_log])


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
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        # An idle kiosk connection is closed after this; 2 s (gunicorn's default) is about
        # how long a card takes to sign, so the sign-in often raced the close.
        "keepalive": 5,
        # Above the app's own limits (kiosk_api/limits.py), so the app answers a long URI or
        # header with its JSON 414/431; gunicorn's plain-text 400 only past these.
        "limit_request_line": 8190,  # gunicorn's maximum
        "limit_request_field_size": 16384,
        "limit_request_fields": 200,
        "accesslog": None,  # off: a verification URL carries a document token
        "logger_class": _MaskingLogger,
        "post_worker_init": _post_worker_init,
        "child_exit": _child_exit,
    }
    _Gunicorn(settings, options).run()

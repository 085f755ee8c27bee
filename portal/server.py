"""gunicorn for the portal: the production shape of `kofu portal` (no sweeper, no jobs)."""

from __future__ import annotations

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
        from portal.app import create_app

        return create_app(self._settings)


class _MaskingLogger(Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        redaction.install([self.error_log, self.access_log])


def serve(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the portal on ``host:port`` until stopped (blocks)."""
    _Gunicorn(
        settings,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": None,  # the audit table records what staff did; URLs stay unlogged
            "logger_class": _MaskingLogger,
        },
    ).run()

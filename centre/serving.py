"""gunicorn, the production server of the centre's HTTP faces (kiosk API, portal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from centre import logs, redaction
from centre.settings import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(
        self, factory: Callable[[Settings], Any], settings: Settings, options: dict[str, Any]
    ) -> None:
        self._factory, self._settings, self._options = factory, settings, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._factory(self._settings)  # in each worker: nothing shared across a fork


class MaskingLogger(Logger):  # type: ignore[misc]
    """gunicorn's own loggers do not propagate to the root: give their handlers the backstop
    and the JSON lines of every other logger (centre/logs.py)."""

    log_format: logs.LogFormat = "json"

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        redaction.install([self.error_log, self.access_log])
        logs.use_formatter([self.error_log, self.access_log], self.log_format)


def options_for(
    host: str, port: int, workers: int, threads: int, log_format: logs.LogFormat = "json"
) -> dict[str, Any]:
    """gunicorn settings both faces share: threaded workers, 60 s worker timeout, 5 s
    keep-alive (2 s, gunicorn's default, is about how long a card takes to sign, so a kiosk's
    sign-in raced the close), no gunicorn access log (URLs can carry document tokens; each
    face logs its requests by route template, centre/request_log.py), masked JSON logs, and no
    control socket (each instance would take the same default path from the other)."""
    logger_class = type("Logger", (MaskingLogger,), {"log_format": log_format})
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "logger_class": logger_class,
        "control_socket_disable": True,
    }


def run(factory: Callable[[Settings], Any], settings: Settings, options: dict[str, Any]) -> None:
    """Serve the app ``factory(settings)`` builds in each worker, until stopped (blocks)."""
    _Gunicorn(factory, settings, options).run()

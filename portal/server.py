"""gunicorn for the portal: the production shape of `kofu portal` (no sweeper, no jobs)."""

from __future__ import annotations

from centre import serving
from centre.settings import Settings
from portal.app import create_app


def serve(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the portal on ``host:port`` until stopped (blocks). The audit table records what
    staff did; URLs stay unlogged."""
    options = serving.options_for(host, port, workers, threads, settings.log_format)
    serving.run(create_app, settings, options)

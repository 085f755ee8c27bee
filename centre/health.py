"""Whether a process's dependencies answer now: what each face's `/healthz` reports."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from centre.bootstrap import Platform


def database_answers(platform: Platform) -> bool:
    """One ``SELECT 1`` on the platform's engine (bounded by its pool and connect timeouts);
    a failure is logged once per outage by ``platform.database_outage``."""
    try:
        with platform.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, InterfaceError, PoolTimeoutError) as exc:
        platform.database_outage.failed(exc)
        return False
    return True

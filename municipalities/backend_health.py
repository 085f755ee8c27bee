"""How a municipality's records backend is doing, as its staff can see it from the ledger of
requests: the last extract of a BCL member; for an own server, the last request it served,
the last one it failed, and request → ready over the last hour.

The circuit breaker itself lives in each centre process and is not shared; what the requests
show is the same story seen from the resident's side (a request refused because the server
was away fails with BACKEND_UNAVAILABLE or RENDER_TIMEOUT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from issuance.model import CertificateRequest
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.bcl_history import last_import_at
from municipalities.model import BackendKind

BACKEND_FAILURES = ("BACKEND_UNAVAILABLE", "RENDER_TIMEOUT", "RECORD_MISMATCH")
EXTRACT_STALE_AFTER = timedelta(days=2)  # a daily extract missed twice


@dataclass(frozen=True)
class BackendHealth:
    """``last_extract_at``: BCL only. ``failing``: the latest request the backend decided
    failed for the backend's sake. Seconds are request → ready, median of the last hour."""

    kind: BackendKind
    last_extract_at: datetime | None = None
    extract_stale: bool = False
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_failure_code: str | None = None
    ready_last_hour: int = 0
    ready_median_seconds: float | None = None
    failing: bool = False


def backend_health(
    uow: SqlUnitOfWork, code: str, kind: BackendKind, now: datetime
) -> BackendHealth:
    """The backend health of municipality ``code`` at ``now`` (aggregates only)."""
    r = CertificateRequest
    last_success = uow.session.scalar(
        select(func.max(r.ready_at)).where(r.municipality_code == code, r.ready_at.is_not(None))
    )
    failure = uow.session.execute(
        select(r.updated_at, r.failure_code)
        .where(r.municipality_code == code, r.failure_code.in_(BACKEND_FAILURES))
        .order_by(r.updated_at.desc())
        .limit(1)
    ).first()
    waits = [
        (ready - created).total_seconds()
        for created, ready in uow.session.execute(
            select(r.created_at, r.ready_at).where(
                r.municipality_code == code, r.ready_at >= now - timedelta(hours=1)
            )
        )
        if ready is not None
    ]
    extract = last_import_at(uow, code) if kind is BackendKind.BCL else None
    return BackendHealth(
        kind=kind,
        last_extract_at=extract,
        extract_stale=kind is BackendKind.BCL
        and (extract is None or now - extract > EXTRACT_STALE_AFTER),
        last_success_at=last_success,
        last_failure_at=failure[0] if failure else None,
        last_failure_code=failure[1] if failure else None,
        ready_last_hour=len(waits),
        ready_median_seconds=sorted(waits)[len(waits) // 2] if waits else None,
        failing=failure is not None and (last_success is None or failure[0] > last_success),
    )

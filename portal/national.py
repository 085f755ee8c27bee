"""The national view for the centre's operators: counts and times only, never a resident.

Everything is read from the database, so every portal process shows the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from billing.model import BillingEvent, EventType
from issuance.index.model import OutOfSyncAlarm
from issuance.model import CertificateRequest, RequestState
from issuance.refusal_counts import RefusalCount
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.backend_health import EXTRACT_STALE_AFTER
from municipalities.bcl_history import last_imports
from municipalities.model import BackendKind, Municipality
from portal.overview import day_and_month_start, ranked_refusals

HOUR = timedelta(hours=1)
WAITING = (RequestState.ACCEPTED, RequestState.RENDERING)


@dataclass(frozen=True)
class NationalView:
    as_of: datetime
    per_minute: list[int]  # issuances (printed) in each of the last 60 minutes, oldest first
    queue_depth: int  # requests accepted and not yet rendered
    p95_seconds: float | None  # request accepted → document ready, last hour (None: none)
    ready_last_hour: int
    refusals: list[tuple[str, int]] = field(default_factory=list)  # today (JST), by count
    alarms: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, count)
    # BCL members taking part whose last extract is older than EXTRACT_STALE_AFTER (or none):
    # (code, name, last import or None), the oldest first
    stale_extracts: list[tuple[str, str, datetime | None]] = field(default_factory=list)


def p95(values: list[float]) -> float | None:
    """The 95th percentile (nearest rank) of ``values``; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def national_view(uow: SqlUnitOfWork, now: datetime) -> NationalView:
    """The figures at ``now``: the last hour by minute, today's refusals and alarms (JST).

    Today's refusals are those answered at request time (issuance/refusal_counts.py) plus
    the requests created today that failed later, each counted once.
    """
    session = uow.session
    since = now - HOUR
    minute_start = now.replace(second=0, microsecond=0) - timedelta(minutes=59)
    per_minute = [0] * 60
    for (at,) in session.execute(
        select(BillingEvent.occurred_at).where(
            BillingEvent.event_type == EventType.ISSUE, BillingEvent.occurred_at >= minute_start
        )
    ):
        index = int((at - minute_start).total_seconds() // 60)
        if 0 <= index < 60:
            per_minute[index] += 1
    times = [
        (ready - created).total_seconds()
        for created, ready in session.execute(
            select(CertificateRequest.created_at, CertificateRequest.ready_at).where(
                CertificateRequest.ready_at.is_not(None), CertificateRequest.ready_at >= since
            )
        )
        if ready is not None
    ]
    day, _ = day_and_month_start(now)
    failed = session.execute(
        select(CertificateRequest.failure_code, func.count())
        .where(CertificateRequest.failure_code.is_not(None), CertificateRequest.created_at >= day)
        .group_by(CertificateRequest.failure_code)
    ).all()
    refused = session.execute(
        select(RefusalCount.refusal_code, func.sum(RefusalCount.count))
        .where(RefusalCount.day == day.date())
        .group_by(RefusalCount.refusal_code)
    ).all()
    alarms = session.execute(
        select(OutOfSyncAlarm.municipality_code, Municipality.name, func.count())
        .join(Municipality, Municipality.code == OutOfSyncAlarm.municipality_code, isouter=True)
        .where(OutOfSyncAlarm.at >= day)
        .group_by(OutOfSyncAlarm.municipality_code, Municipality.name)
        .order_by(func.count().desc(), OutOfSyncAlarm.municipality_code)
    ).all()
    return NationalView(
        as_of=now,
        per_minute=per_minute,
        queue_depth=session.scalar(
            select(func.count())
            .select_from(CertificateRequest)
            .where(CertificateRequest.state.in_(WAITING))
        )
        or 0,
        p95_seconds=p95(times),
        ready_last_hour=len(times),
        refusals=ranked_refusals([*failed, *refused]),
        alarms=[(code, name or code, int(count)) for code, name, count in alarms],
        stale_extracts=stale_extracts(uow, now),
    )


def stale_extracts(uow: SqlUnitOfWork, now: datetime) -> list[tuple[str, str, datetime | None]]:
    """BCL members taking part whose records were last replaced more than
    ``EXTRACT_STALE_AFTER`` before ``now`` (or never, as far as kofu recorded), oldest first."""
    last = last_imports(uow)
    members = uow.session.execute(
        select(Municipality.code, Municipality.name).where(
            Municipality.backend_kind == BackendKind.BCL,
            Municipality.participating.is_(True),
            Municipality.suspended_at.is_(None),
        )
    ).all()
    stale = [
        (code, name, last.get(code))
        for code, name in members
        if last.get(code) is None or now - last[code] > EXTRACT_STALE_AFTER
    ]
    return sorted(stale, key=lambda row: (row[2] is not None, row[2] or now, row[0]))

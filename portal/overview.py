"""A municipality's figures for its staff: counts and sums only, never a resident."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import case, func, or_, select

from billing.model import BillingEvent, EventType
from issuance.calendar import JST
from issuance.index.model import OutOfSyncAlarm
from issuance.model import CertificateKind, CertificateRequest
from issuance.refusal_counts import RefusalCount
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.backend_health import BackendHealth, backend_health
from municipalities.model import BackendKind, MaintenanceWindow, Municipality


@dataclass(frozen=True)
class KindFigures:
    kind: str
    today: int = 0
    month: int = 0
    month_fees: int = 0  # yen


@dataclass(frozen=True)
class Overview:
    code: str
    name: str
    backend: BackendKind
    as_of: datetime
    kinds: list[KindFigures] = field(default_factory=list)
    refusals: list[tuple[str, int]] = field(default_factory=list)  # (failure code, count)
    alarms_this_month: int = 0
    maintenance: list[MaintenanceWindow] = field(default_factory=list)
    health: BackendHealth | None = None


def day_and_month_start(now: datetime) -> tuple[datetime, datetime]:
    """The start of ``now``'s JST day and JST month, as aware datetimes."""
    local = now.astimezone(JST)
    day = datetime.combine(local.date(), time(0), JST)
    return day, day.replace(day=1)


def municipal_overview(uow: SqlUnitOfWork, code: str, now: datetime) -> Overview | None:
    """The overview of municipality ``code`` at ``now``; None for an unknown code.

    Issuances count printed certificates (billing ``issue`` events; a ``void`` event is a
    print that failed, never charged) by occurrence in the JST day and month; refusals count
    the refusals answered at request time this JST month (issuance/refusal_counts.py) plus
    the requests created this month that failed later.
    """
    session = uow.session
    municipality = session.get(Municipality, code)
    if municipality is None:
        return None
    day, month = day_and_month_start(now)
    return Overview(
        code=code,
        name=municipality.name,
        backend=municipality.backend_kind,
        as_of=now,
        health=backend_health(uow, code, municipality.backend_kind, now),
        kinds=_issuances(uow, code, day, month),
        refusals=_refusals(uow, code, month),
        alarms_this_month=session.scalar(
            select(func.count())
            .select_from(OutOfSyncAlarm)
            .where(OutOfSyncAlarm.municipality_code == code, OutOfSyncAlarm.at >= month)
        )
        or 0,
        maintenance=list(
            session.scalars(
                select(MaintenanceWindow)
                .where(
                    or_(
                        MaintenanceWindow.municipality_code == code,
                        MaintenanceWindow.municipality_code.is_(None),
                    ),
                    MaintenanceWindow.ends_at >= now,
                )
                .order_by(MaintenanceWindow.starts_at)
                .limit(20)
            )
        ),
    )


def _issuances(uow: SqlUnitOfWork, code: str, day: datetime, month: datetime) -> list[KindFigures]:
    today = case((BillingEvent.occurred_at >= day, 1), else_=0)
    rows = uow.session.execute(
        select(
            BillingEvent.certificate_kind,
            func.sum(today),
            func.count(),
            func.coalesce(func.sum(BillingEvent.fee_total), 0),
        )
        .where(
            BillingEvent.municipality_code == code,
            BillingEvent.event_type == EventType.ISSUE,
            BillingEvent.occurred_at >= month,
        )
        .group_by(BillingEvent.certificate_kind)
    ).all()
    totals = {kind: [int(on_day or 0), int(count), int(fees)] for kind, on_day, count, fees in rows}
    order = {kind.value: i for i, kind in enumerate(CertificateKind)}  # 住民票 first, as printed
    ranked = sorted(totals.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return [KindFigures(kind, *values) for kind, values in ranked]


def _refusals(uow: SqlUnitOfWork, code: str, month: datetime) -> list[tuple[str, int]]:
    failed = uow.session.execute(
        select(CertificateRequest.failure_code, func.count())
        .where(
            CertificateRequest.municipality_code == code,
            CertificateRequest.failure_code.is_not(None),
            CertificateRequest.created_at >= month,
        )
        .group_by(CertificateRequest.failure_code)
    ).all()
    refused = uow.session.execute(
        select(RefusalCount.refusal_code, func.sum(RefusalCount.count))
        .where(RefusalCount.municipality_code == code, RefusalCount.day >= month.date())
        .group_by(RefusalCount.refusal_code)
    ).all()
    return ranked_refusals([*failed, *refused])


def ranked_refusals(rows: Iterable[tuple[str | None, int | None]]) -> list[tuple[str, int]]:
    """(code, count) rows summed by code, the commonest first, then by code."""
    totals: Counter[str] = Counter()
    for code, count in rows:
        totals[str(code)] += int(count or 0)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))

"""The public status page's content: maintenance and incidents by municipality, no resident.

Nothing here is kept twice. Maintenance is the windows municipalities announce in the portal
(municipalities/maintenance.py), the same rows the kiosk flow refuses inside. Incidents are
what the operators' views show, read from the same tables: a backend failing (the portal's
backend health: a request failed for the backend's sake after its last success), records
out of sync with the national index (the alarms of issuance/index/check.py), a municipality
suspended by the centre, and what operators declare (municipalities/incidents.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from issuance.index.model import OutOfSyncAlarm
from issuance.model import KIND_LABELS, CertificateKind, CertificateRequest
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.backend_health import BACKEND_FAILURES
from municipalities.incidents import open_incidents
from municipalities.model import MaintenanceWindow, Municipality

FAILING_WITHIN = timedelta(minutes=30)  # a backend failure older than this is not "current"
OUT_OF_SYNC_WITHIN = timedelta(hours=1)
MAINTENANCE_AHEAD = timedelta(days=30)  # windows starting later are not listed yet
NATIONWIDE = ("全国", "Nationwide")
ALL_KINDS = ("すべての証明書", "All certificates")

# The public wording of each detected incident (what a resident may notice, not why).
DETECTED = {
    "backend_failing": (
        "証明書の発行に失敗することがあります。時間をおいてお試しください。",
        "Certificates may fail to issue. Please try again later.",
    ),
    "records_out_of_sync": (
        "一部の方の証明書を発行できないことがあります。窓口をご利用ください。",
        "Some residents' certificates cannot be issued. Please use the counter.",
    ),
    "suspended": (
        "コンビニ交付を停止しています。窓口をご利用ください。",
        "Kiosk issuance is suspended. Please use the counter.",
    ),
}


@dataclass(frozen=True)
class Place:
    code: str | None  # 全国地方公共団体コード; None: nationwide
    name_ja: str
    name_en: str  # the Japanese name (no romanised names are kept), or "Nationwide"


@dataclass(frozen=True)
class Incident:
    source: str  # "declared", or a key of DETECTED
    place: Place
    since: datetime | None  # UTC
    message_ja: str
    message_en: str


@dataclass(frozen=True)
class Maintenance:
    place: Place
    kind: str | None  # a CertificateKind value; None: every kind
    kind_ja: str
    kind_en: str
    starts_at: datetime  # UTC
    ends_at: datetime
    in_progress: bool


@dataclass(frozen=True)
class Participant:
    code: str
    name: str
    prefecture: str


@dataclass(frozen=True)
class PublicStatus:
    as_of: datetime
    municipalities: list[Participant]  # taking part, by code (so prefectures in JIS order)
    incidents: list[Incident]
    maintenance: list[Maintenance]

    @property
    def all_clear(self) -> bool:
        return not self.incidents

    def by_prefecture(self) -> list[tuple[str, list[str]]]:
        """(prefecture, names of its municipalities taking part), in code order."""
        grouped: dict[str, list[str]] = {}
        for participant in self.municipalities:
            grouped.setdefault(participant.prefecture, []).append(participant.name)
        return list(grouped.items())


def public_status(uow: SqlUnitOfWork, now: datetime) -> PublicStatus:
    """The page at ``now``: current incidents (nationwide first, then by municipality code)
    and maintenance windows not yet ended that start within 30 days, by start."""
    participants = [
        Participant(code, name, prefecture)
        for code, name, prefecture in uow.session.execute(
            select(Municipality.code, Municipality.name, Municipality.prefecture)
            .where(Municipality.participating)
            .order_by(Municipality.code)
        )
    ]
    names = {p.code: p.name for p in participants}
    incidents = _declared(uow, names) + _detected(uow, names, now)
    incidents.sort(key=lambda i: (i.place.code is not None, i.place.code or "", i.source))
    return PublicStatus(now, participants, incidents, _maintenance(uow, names, now))


def _place(code: str | None, names: dict[str, str]) -> Place:
    if code is None:
        return Place(None, *NATIONWIDE)
    name = names.get(code, code)
    return Place(code, name, name)


def _declared(uow: SqlUnitOfWork, names: dict[str, str]) -> list[Incident]:
    return [
        Incident(
            "declared",
            _place(row.municipality_code, names),
            row.opened_at,
            row.message_ja,
            row.message_en,
        )
        for row in open_incidents(uow)
    ]


def _detected(uow: SqlUnitOfWork, names: dict[str, str], now: datetime) -> list[Incident]:
    found: list[tuple[str, str, datetime | None]] = [
        ("backend_failing", code, at) for code, at in _failing_backends(uow, now).items()
    ]
    out_of_sync = uow.session.execute(
        select(OutOfSyncAlarm.municipality_code, func.min(OutOfSyncAlarm.at))
        .where(OutOfSyncAlarm.at >= now - OUT_OF_SYNC_WITHIN)
        .group_by(OutOfSyncAlarm.municipality_code)
    ).all()
    found += [("records_out_of_sync", code, at) for code, at in out_of_sync]
    suspended = uow.session.execute(
        select(Municipality.code, Municipality.suspended_at).where(
            Municipality.participating, Municipality.suspended_at.is_not(None)
        )
    ).all()
    found += [("suspended", code, at) for code, at in suspended]
    return [
        Incident(source, _place(code, names), at, *DETECTED[source])
        for source, code, at in found
        if code in names
    ]


def _failing_backends(uow: SqlUnitOfWork, now: datetime) -> dict[str, datetime]:
    """Municipality code → its latest backend failure, for those that failed within
    FAILING_WITHIN and served no document since (``backend_health``'s ``failing``)."""
    r = CertificateRequest
    failures = dict(
        uow.session.execute(
            select(r.municipality_code, func.max(r.updated_at))
            .where(r.failure_code.in_(BACKEND_FAILURES), r.updated_at >= now - FAILING_WITHIN)
            .group_by(r.municipality_code)
        ).all()
    )
    if not failures:
        return {}
    served = dict(
        uow.session.execute(
            select(r.municipality_code, func.max(r.ready_at))
            # Only the window matters (every failure in it is later than its start), and it
            # keeps a large municipality's years of requests out of the query.
            .where(r.municipality_code.in_(failures), r.ready_at >= now - FAILING_WITHIN)
            .group_by(r.municipality_code)
        ).all()
    )
    failing = {}
    for code, at in failures.items():
        last_served = served.get(code)
        if last_served is None or at > last_served:
            failing[code] = at
    return failing


def _maintenance(uow: SqlUnitOfWork, names: dict[str, str], now: datetime) -> list[Maintenance]:
    windows = uow.session.scalars(
        select(MaintenanceWindow)
        .where(
            MaintenanceWindow.ends_at > now, MaintenanceWindow.starts_at < now + MAINTENANCE_AHEAD
        )
        .order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)
    )
    listed = []
    for window in windows:
        if window.municipality_code is not None and window.municipality_code not in names:
            continue
        kind_ja, kind_en = KIND_LABELS[CertificateKind(window.kind)] if window.kind else ALL_KINDS
        listed.append(
            Maintenance(
                _place(window.municipality_code, names),
                window.kind,
                kind_ja,
                kind_en,
                window.starts_at,
                window.ends_at,
                window.starts_at <= now,
            )
        )
    return listed

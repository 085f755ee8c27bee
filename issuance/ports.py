"""The interfaces issuance needs from the outside: records, municipalities, ledger, jobs."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from issuance.documents import CertificateDocument, Issuer, JuminhyoDocument, RenderedDocument
from issuance.koseki_records import Fuhyo, Koseki
from issuance.records import BackendAnswer, Household, RecordQuery, SealRegistration, TaxAssessment
from issuance.repositories import (
    Alarms,
    AppliedIdous,
    AuditTrail,
    CertificateRequests,
    DocumentRegister,
    HeldDocuments,
    Kiosks,
    KioskSessions,
    PinResets,
    RefusalCounts,
    ResidentIndex,
    UseRegistrations,
)
from issuance.service_hours import STANDARD_HOURS, DayClass, DayHours, ServiceHours


class UnitOfWork(Protocol):
    """One transaction and the repositories that work in it.

    ``commit`` makes every change of the use case durable at once; leaving the ``with`` block
    without it discards them. A commit that breaks a unique constraint (an idempotent retry
    racing the first call) raises ``sqlalchemy.exc.IntegrityError``.
    """

    requests: CertificateRequests
    held_documents: HeldDocuments
    documents: DocumentRegister
    residents: ResidentIndex
    kiosk_sessions: KioskSessions
    kiosks: Kiosks
    audit: AuditTrail
    alarms: Alarms
    use_registrations: UseRegistrations
    applied_idous: AppliedIdous
    refusal_counts: RefusalCounts
    pin_resets: PinResets

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...

    def reference_version(self) -> int:
        """The reference-data counter as this transaction sees it (issuance/reference.py)."""
        ...


@dataclass(frozen=True)
class Offering:
    """One certificate kind as one municipality offers it at kiosks."""

    kind: str
    offered: bool
    fee: int  # yen per copy
    hours: ServiceHours = STANDARD_HOURS  # JST, by day class


# What a kind is before any offering or change sets it: not offered, no fee, standard hours.
NEVER_OFFERED_FEE = 0


@dataclass(frozen=True)
class OfferingChanges:
    """What one scheduled change sets; every field left None (or a day class absent from
    ``hours``) is left as it is. ``hours`` maps a day class to its new range (JST) or None
    (closed from then)."""

    offered: bool | None = None
    fee: int | None = None  # yen per copy
    hours: tuple[tuple[DayClass, DayHours | None], ...] = ()  # in 平日, 土曜, 日曜・祝日 order

    @property
    def empty(self) -> bool:
        return self.offered is None and self.fee is None and not self.hours

    def applied_to(self, offering: Offering) -> Offering:
        """``offering`` with the fields this change sets replaced (later wins field by field)."""
        days = dict(offering.hours.items()) | dict(self.hours)
        return Offering(
            offering.kind,
            offering.offered if self.offered is None else self.offered,
            offering.fee if self.fee is None else self.fee,
            ServiceHours(days[DayClass.WEEKDAY], days[DayClass.SATURDAY], days[DayClass.HOLIDAY]),
        )

    @classmethod
    def between(cls, before: Offering | None, after: Offering) -> OfferingChanges:
        """The fields of ``after`` that differ from ``before`` (all of them when None); hours
        are compared to the minute, as a clerk types them (23:59 for an end at midnight)."""
        if before is None:
            return cls(after.offered, after.fee, tuple(after.hours.items()))
        return cls(
            None if after.offered == before.offered else after.offered,
            None if after.fee == before.fee else after.fee,
            tuple(
                (day, hours)
                for day, hours in after.hours.items()
                if _to_minute(hours) != _to_minute(before.hours.of(day))
            ),
        )


def _to_minute(day: DayHours | None) -> DayHours | None:
    if day is None:
        return None
    return DayHours(
        day.opens.replace(second=0, microsecond=0), day.closes.replace(second=0, microsecond=0)
    )


@dataclass(frozen=True)
class ScheduledOffering:
    """A change of one kind's offering from ``effective_from`` (aware): only the fields it
    sets; the others stay as the base offering and the changes before it left them."""

    effective_from: datetime
    kind: str
    changes: OfferingChanges


@dataclass(frozen=True)
class ScheduledSettings:
    """A municipality's own settings from ``effective_from`` (aware) until the next change:
    the 戸籍 利用登録 delay (business days) and the 課税証明書 wide-area opt-in."""

    effective_from: datetime
    koseki_registration_days: int
    wide_area_tax: bool


@dataclass(frozen=True)
class ScheduledIdentity:
    """Who certifies from ``effective_from`` (aware): the mayor's title and name as printed,
    the masthead's wording ("" for prefecture and municipality), the 公印 (None: drawn)."""

    effective_from: datetime
    mayor_title: str
    mayor_name: str
    header: str = ""
    seal_png: bytes | None = None


@dataclass(frozen=True)
class MaintenanceWindow:
    """An announced stop: every kind when ``kind`` is None."""

    starts_at: datetime
    ends_at: datetime
    kind: str | None = None


@dataclass(frozen=True)
class MunicipalityInfo:
    code: str
    name: str
    prefecture: str
    mayor_title: str
    mayor_name: str
    participating: bool
    backend_kind: str
    offerings: dict[str, Offering] = field(default_factory=dict)
    wide_area_tax: bool = False  # opted in to 課税証明書の広域交付
    koseki_registration_days: int = 2  # business days until a 戸籍 利用登録 is usable
    maintenance: tuple[MaintenanceWindow, ...] = ()
    backend_settings: dict[str, Any] = field(default_factory=dict)  # e.g. an own server's URL
    # Changes of ``offerings`` from a date and time, ordered by ``effective_from``.
    scheduled: tuple[ScheduledOffering, ...] = ()
    # Changes of ``koseki_registration_days`` and ``wide_area_tax``, by ``effective_from``.
    scheduled_settings: tuple[ScheduledSettings, ...] = ()
    # The issuer's identity from a date and time (elections), ordered by ``effective_from``.
    identities: tuple[ScheduledIdentity, ...] = ()
    suspended: bool = False  # suspended by the centre: its residents refused at kiosks

    def identity_at(self, at: datetime) -> ScheduledIdentity | None:
        """The scheduled identity in effect at ``at`` (the latest by then); None: the
        municipality's own row applies (``mayor_title``, ``mayor_name``, drawn seal)."""
        current = None
        for identity in self.identities:
            if identity.effective_from <= at:
                current = identity
        return current

    def issuer_at(self, at: datetime) -> Issuer:
        """Who certifies a document issued at ``at``: the identity in effect at that moment."""
        identity = self.identity_at(at)
        if identity is None:
            return Issuer(self.code, self.name, self.prefecture, self.mayor_title, self.mayor_name)
        return Issuer(
            self.code,
            self.name,
            self.prefecture,
            identity.mayor_title,
            identity.mayor_name,
            identity.header,
            identity.seal_png,
        )

    def offering_at(self, kind: str, at: datetime) -> Offering | None:
        """The offering of ``kind`` in effect at ``at``: the base offering with every change
        in effect by then applied in ``effective_from`` order (later wins field by field);
        None when the kind has neither. A change on a kind without a base offering starts
        from not offered, ¥0, standard hours."""
        current = self.offerings.get(kind)
        for change in sorted(self.scheduled, key=lambda c: c.effective_from):
            if change.kind == kind and change.effective_from <= at:
                start = current or Offering(kind, False, NEVER_OFFERED_FEE, STANDARD_HOURS)
                current = change.changes.applied_to(start)
        return current

    def settings_at(self, at: datetime) -> ScheduledSettings:
        """The 利用登録 delay and wide-area opt-in in effect at ``at``: the latest scheduled
        change in effect by then, else the municipality's base values."""
        current = ScheduledSettings(at, self.koseki_registration_days, self.wide_area_tax)
        for change in self.scheduled_settings:
            if change.effective_from <= at:
                current = change
        return current

    @property
    def render_lane(self) -> RenderLane:
        """Whose workers render its requests: a slow own server must not hold BCL renders."""
        return RenderLane.BCL if self.backend_kind == "bcl" else RenderLane.OWN_SERVER


class MunicipalityDirectory(Protocol):
    def get(self, uow: UnitOfWork, code: str) -> MunicipalityInfo | None: ...


class RecordsBackend(Protocol):
    """Where one municipality's resident records live (BCL, or its own server)."""

    def household_of(
        self,
        uow: UnitOfWork,
        municipality_code: str,
        juminhyo_code: str,
        request_id: str | None = None,
    ) -> Household | None:
        """The household the person belongs to, or None if the municipality has no record.

        ``request_id`` binds the answer to the request (None: a listing for the kiosk).
        """
        ...

    def seal_registration(
        self, uow: UnitOfWork, query: RecordQuery
    ) -> BackendAnswer[SealRegistration] | None: ...

    def tax_assessment(
        self, uow: UnitOfWork, query: RecordQuery
    ) -> BackendAnswer[TaxAssessment] | None: ...

    def koseki(self, uow: UnitOfWork, query: RecordQuery) -> BackendAnswer[Koseki] | None: ...

    def fuhyo(self, uow: UnitOfWork, query: RecordQuery) -> BackendAnswer[Fuhyo] | None: ...


class BackendRegistry(Protocol):
    def for_municipality(self, info: MunicipalityInfo) -> RecordsBackend: ...


@dataclass(frozen=True)
class IssueFact:
    """What the ledger needs to meter one printed (or voided) request."""

    request_id: str
    municipality_code: str
    kiosk_id: str
    certificate_kind: str
    copies: int
    fee_total: int
    occurred_at: datetime


class Ledger(Protocol):
    def record_issue(self, uow: UnitOfWork, fact: IssueFact) -> None: ...
    def record_void(self, uow: UnitOfWork, fact: IssueFact) -> None: ...


class Renderer(Protocol):
    def render(self, doc: JuminhyoDocument | CertificateDocument) -> RenderedDocument: ...


class RenderLane(enum.StrEnum):
    """Renders are queued apart by where their records come from (a bulkhead)."""

    BCL = "bcl"  # the shared BCL tables
    OWN_SERVER = "own"  # a municipality's own server, over the network


class QueueUnavailableError(Exception):
    """The job queue cannot take a job now (its store is away). What the caller committed
    stays committed: the sweeper enqueues an accepted request nobody has taken."""


class JobQueue(Protocol):
    def enqueue_render(self, request_id: str, lane: RenderLane = RenderLane.BCL) -> None:
        """Called only after the transaction that created the request has committed.

        Raises QueueUnavailableError when the queue cannot be reached.
        """
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class MunicipalityProfile:
    """What billing needs of a municipality: its class and size decide its contribution."""

    code: str
    name: str
    prefecture: str
    municipality_class: str
    population: int
    participating: bool


class MunicipalityProfiles(Protocol):
    def all(self, uow: UnitOfWork) -> list[MunicipalityProfile]: ...
    def get(self, uow: UnitOfWork, code: str) -> MunicipalityProfile | None: ...

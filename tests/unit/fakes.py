"""An in-memory unit of work: dict-backed repositories shared by every transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.index.model import AppliedIdou, OutOfSyncAlarm, Resident
from issuance.model import (
    OPEN_STATES,
    UNSETTLED_STATES,
    CertificateRequest,
    Document,
    RecordAccess,
    RequestState,
    UseRegistration,
)
from issuance.pin_reset.model import PinResetAudit, PinResetReservation
from issuance.sessions.kiosks import Kiosk, KioskOperator, KioskSession, SessionState


class FakeCertificateRequests:
    def __init__(self) -> None:
        self.rows: dict[str, CertificateRequest] = {}
        self.pending: list[CertificateRequest] = []

    def get(self, request_id: str, *, for_update: bool = False) -> CertificateRequest | None:
        return self.rows.get(request_id)

    def by_idempotency_key(self, session_id: str, key: str) -> CertificateRequest | None:
        return next(
            (
                r
                for r in self.rows.values()
                if r.session_id == session_id and r.idempotency_key == key
            ),
            None,
        )

    def add(self, request: CertificateRequest) -> None:
        self.pending.append(request)

    def stuck(self, older_than: datetime) -> list[CertificateRequest]:
        states = (RequestState.ACCEPTED, RequestState.RENDERING)
        return [r for r in self.rows.values() if r.state in states and r.updated_at < older_than]

    def delivered_before(self, before: datetime) -> list[CertificateRequest]:
        return [
            r
            for r in self.rows.values()
            if r.state is RequestState.DELIVERED
            and r.delivered_at is not None
            and r.delivered_at < before
        ]

    def by_serials(self, serials: Iterable[str]) -> dict[str, CertificateRequest]:
        wanted = set(serials)
        return {r.serial: r for r in self.rows.values() if r.serial in wanted}

    def unsettled(self, operator_id: str | None = None) -> list[CertificateRequest]:
        # Every fake kiosk belongs to the operator asked about.
        found = [r for r in self.rows.values() if r.state in UNSETTLED_STATES]
        return sorted(found, key=lambda r: r.delivered_at or r.created_at)

    def open_for_update(
        self,
        *,
        request_id: str | None = None,
        session_id: str | None = None,
        kiosk_id: str | None = None,
    ) -> list[CertificateRequest]:
        def matches(r: CertificateRequest) -> bool:
            if request_id is not None:
                return r.id == request_id
            if session_id is not None:
                return r.session_id == session_id
            return r.kiosk_id == kiosk_id

        return [r for r in self.rows.values() if matches(r) and r.state in OPEN_STATES]

    def commit(self) -> None:
        for request in self.pending:
            if self.by_idempotency_key(request.session_id, request.idempotency_key):
                self.pending.clear()
                raise IntegrityError("INSERT", {}, Exception("duplicate idempotency key"))
            self.rows[request.id] = request
        self.pending.clear()


class FakeHeldDocuments:
    def __init__(self) -> None:
        self.rows: dict[str, Document] = {}

    def get(self, request_id: str) -> Document | None:
        return self.rows.get(request_id)

    def add(self, document: Document) -> None:
        self.rows[document.request_id] = document

    def remove(self, document: Document) -> None:
        self.rows.pop(document.request_id, None)

    def delete(self, request_ids: Iterable[str]) -> None:
        for request_id in list(request_ids):
            self.rows.pop(request_id, None)

    def expired(self, now: datetime) -> list[Document]:
        return [d for d in self.rows.values() if d.expires_at <= now]


class FakeDocumentRegister:
    def __init__(self) -> None:
        self.rows: dict[str, IssuedDocument] = {}

    def get(self, serial: str) -> IssuedDocument | None:
        return self.rows.get(serial)

    def put(self, document: IssuedDocument) -> None:
        self.rows[document.serial] = document

    def set_status(self, serial: str, status: DocumentStatus) -> None:
        if serial in self.rows:
            self.rows[serial].status = status


class FakeResidentIndex:
    def __init__(self) -> None:
        self.rows: dict[str, Resident] = {}
        self.cards: dict[str, tuple[str, date]] = {}  # fingerprint → (code, usable from)

    def get(self, juminhyo_code: str) -> Resident | None:
        return self.rows.get(juminhyo_code)

    def linked_to_card(self, fingerprint: str) -> tuple[Resident, date] | None:
        link = self.cards.get(fingerprint)
        if link is None or link[0] not in self.rows:
            return None
        return self.rows[link[0]], link[1]

    def lock(self, juminhyo_codes: Iterable[str]) -> dict[str, Resident]:
        return {c: self.rows[c] for c in juminhyo_codes if c in self.rows}

    def add(self, resident: Resident) -> None:
        self.rows[resident.juminhyo_code] = resident


class FakeKioskSessions:
    def __init__(self, residents: FakeResidentIndex) -> None:
        self.rows: dict[str, KioskSession] = {}
        self._residents = residents

    def add(self, session: KioskSession) -> None:
        self.rows[session.id] = session

    def get(self, session_id: str, *, for_update: bool = False) -> KioskSession | None:
        return self.rows.get(session_id)

    def with_holder(
        self, session_id: str
    ) -> tuple[KioskSession, str | None, date | None, Resident | None] | None:
        session = self.rows.get(session_id)
        if session is None:
            return None
        code, usable_from = self._residents.cards.get(session.certificate_fingerprint, (None, None))
        resident = self._residents.rows.get(code) if code else None
        return session, code, usable_from, resident

    def close_all_of_kiosk(self, kiosk_id: str) -> None:
        for session in self.rows.values():
            if session.kiosk_id == kiosk_id:
                session.state = SessionState.CLOSED


class FakeKiosks:
    def __init__(self) -> None:
        self.rows: dict[str, Kiosk] = {}
        self.operator_rows: dict[str, KioskOperator] = {}

    def get(self, kiosk_id: str) -> Kiosk | None:
        return self.rows.get(kiosk_id)

    def add(self, kiosk: Kiosk) -> None:
        self.rows[kiosk.id] = kiosk

    def listed(self, operator_id: str | None = None) -> list[Kiosk]:
        found = [k for k in self.rows.values() if operator_id in (None, k.operator_id)]
        return sorted(found, key=lambda k: k.id)

    def operators(self) -> list[KioskOperator]:
        return sorted(self.operator_rows.values(), key=lambda o: o.id)

    def last_seen(self, operator_id: str | None = None) -> dict[str, datetime]:
        return {}


class FakeAuditTrail:
    def __init__(self) -> None:
        self.rows: list[RecordAccess] = []

    def add(self, access: RecordAccess) -> None:
        self.rows.append(access)


class FakeAlarms:
    def __init__(self) -> None:
        self.rows: list[OutOfSyncAlarm] = []

    def add(self, alarm: OutOfSyncAlarm) -> None:
        self.rows.append(alarm)

    def of_municipality(self, municipality_code: str, since: datetime) -> list[OutOfSyncAlarm]:
        found = [a for a in self.rows if a.municipality_code == municipality_code and a.at >= since]
        return sorted(found, key=lambda a: a.at, reverse=True)


class FakeUseRegistrations:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], UseRegistration] = {}

    def get(self, juminhyo_code: str, municipality_code: str) -> UseRegistration | None:
        return self.rows.get((juminhyo_code, municipality_code))

    def add(self, registration: UseRegistration) -> None:
        self.rows[(registration.juminhyo_code, registration.municipality_code)] = registration


class FakeAppliedIdous:
    def __init__(self) -> None:
        self.rows: dict[str, AppliedIdou] = {}

    def digests(self, idou_ids: Iterable[str]) -> dict[str, str]:
        return {i: self.rows[i].digest for i in idou_ids if i in self.rows}

    def add(self, applied: AppliedIdou) -> None:
        self.rows[applied.idou_id] = applied


class FakeRefusalCounts:
    def __init__(self) -> None:
        self.counts: dict[tuple[date, str, str, str], int] = {}

    def increment(self, day: date, municipality_code: str, kind: str, code: str) -> None:
        key = (day, municipality_code, kind, code)
        self.counts[key] = self.counts.get(key, 0) + 1


class FakePinResets:
    def __init__(self) -> None:
        self.rows: dict[str, PinResetReservation] = {}
        self.audit: list[PinResetAudit] = []

    def add(self, reservation: PinResetReservation) -> None:
        self.rows[reservation.id] = reservation

    def get(self, reservation_id: str, *, for_update: bool = False) -> PinResetReservation | None:
        return self.rows.get(reservation_id)

    def latest_for(self, certificate_serial: str) -> PinResetReservation | None:
        mine = [r for r in self.rows.values() if r.certificate_serial == certificate_serial]
        return max(mine, key=lambda r: r.created_at, default=None)

    def add_audit(self, row: PinResetAudit) -> None:
        self.audit.append(row)


class FakeUnitOfWork:
    """Dict-backed repositories shared by every ``with`` block, as one database would be.

    New certificate requests are kept only by ``commit`` (a duplicate idempotency key makes
    it raise IntegrityError, as the unique constraint does); changes to loaded objects are
    not undone by ``rollback``, so tests check what was committed through ``commits``.
    """

    def __init__(self) -> None:
        self.requests = FakeCertificateRequests()
        self.held_documents = FakeHeldDocuments()
        self.documents = FakeDocumentRegister()
        self.residents = FakeResidentIndex()
        self.kiosk_sessions = FakeKioskSessions(self.residents)
        self.kiosks = FakeKiosks()
        self.audit = FakeAuditTrail()
        self.alarms = FakeAlarms()
        self.use_registrations = FakeUseRegistrations()
        self.applied_idous = FakeAppliedIdous()
        self.refusal_counts = FakeRefusalCounts()
        self.pin_resets = FakePinResets()
        self.commits = 0
        self.rollbacks = 0
        self.version = 1

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.requests.pending.clear()

    def commit(self) -> None:
        self.requests.commit()
        self.commits += 1

    def rollback(self) -> None:
        self.requests.pending.clear()
        self.rollbacks += 1

    def reference_version(self) -> int:
        return self.version

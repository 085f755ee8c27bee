"""The repositories a unit of work hands the use cases: collections of the domain's records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.index.model import AppliedIdou, OutOfSyncAlarm, Resident
from issuance.model import CertificateRequest, Document, RecordAccess, UseRegistration
from issuance.pin_reset.model import PinResetAudit, PinResetReservation
from issuance.sessions.kiosks import Kiosk, KioskOperator, KioskSession


class CertificateRequests(Protocol):
    """Certificate requests. Locks (``for_update``) are held until the commit or rollback."""

    def get(self, request_id: str, *, for_update: bool = False) -> CertificateRequest | None:
        """The request, or None; ``for_update`` locks its row (concurrent jobs, retries)."""
        ...

    def by_idempotency_key(self, session_id: str, key: str) -> CertificateRequest | None:
        """The request a session already made with this idempotency key, if any."""
        ...

    def add(self, request: CertificateRequest) -> None:
        """Stored at the commit; a second request with the same (session, key) makes the
        commit raise ``sqlalchemy.exc.IntegrityError`` (the retry that raced the first)."""
        ...

    def stuck(self, older_than: datetime) -> list[CertificateRequest]:
        """Accepted or rendering requests last updated before ``older_than``, locked; rows
        another process holds are skipped (the sweeper runs in several processes)."""
        ...

    def delivered_before(self, before: datetime) -> list[CertificateRequest]:
        """Delivered requests downloaded before ``before``, locked; rows another process
        holds are skipped (a confirmation in progress, another sweeper)."""
        ...

    def by_serials(self, serials: Iterable[str]) -> dict[str, CertificateRequest]:
        """The requests of these document serials (those that exist), by serial, locked."""
        ...

    def unsettled(self, operator_id: str | None = None) -> list[CertificateRequest]:
        """Delivered or unconfirmed requests (of one operator's kiosks), oldest first."""
        ...

    def open_for_update(
        self,
        *,
        request_id: str | None = None,
        session_id: str | None = None,
        kiosk_id: str | None = None,
    ) -> list[CertificateRequest]:
        """Requests not yet out of the centre (OPEN_STATES) matching the one filter given,
        locked and re-read from the database (a render job may have just changed them)."""
        ...


class HeldDocuments(Protocol):
    """Rendered PDFs waiting for their one download (personal data: deleted soon)."""

    def get(self, request_id: str) -> Document | None: ...
    def add(self, document: Document) -> None: ...

    def remove(self, document: Document) -> None:
        """Delete this document at the commit."""
        ...

    def delete(self, request_ids: Iterable[str]) -> None:
        """Delete the documents of these requests now (absent ones are ignored)."""
        ...

    def expired(self, now: datetime) -> list[Document]:
        """Documents whose TTL has passed, locked; rows held by another process skipped."""
        ...


class DocumentRegister(Protocol):
    """The register of issued documents (no personal data), what verification reads."""

    def get(self, serial: str) -> IssuedDocument | None: ...

    def put(self, document: IssuedDocument) -> None:
        """Insert, or replace the entry with the same serial (a render run again)."""
        ...

    def set_status(self, serial: str, status: DocumentStatus) -> None:
        """Change the status of ``serial``; nothing happens when it is not registered."""
        ...


class ResidentIndex(Protocol):
    """The national resident index (our 住基ネット stand-in) and the cards linked to it."""

    def get(self, juminhyo_code: str) -> Resident | None: ...

    def linked_to_card(self, fingerprint: str) -> tuple[Resident, date] | None:
        """The resident a card certificate (SHA-256 hex) is linked to, with the day the link
        is usable from; None when the card is linked to nobody."""
        ...

    def lock(self, juminhyo_codes: Iterable[str]) -> dict[str, Resident]:
        """These residents (those that exist), by code, locked until the commit and re-read."""
        ...

    def add(self, resident: Resident) -> None: ...


class KioskSessions(Protocol):
    def add(self, session: KioskSession) -> None: ...

    def get(self, session_id: str, *, for_update: bool = False) -> KioskSession | None: ...

    def with_holder(
        self, session_id: str
    ) -> tuple[KioskSession, str | None, date | None, Resident | None] | None:
        """The session, its card's link (juminhyo code, usable from) and the linked resident,
        in one read (every kiosk call makes it); None for an unknown session."""
        ...

    def close_all_of_kiosk(self, kiosk_id: str) -> None:
        """Close every session of ``kiosk_id`` that is not closed yet."""
        ...


class Kiosks(Protocol):
    def get(self, kiosk_id: str) -> Kiosk | None: ...
    def add(self, kiosk: Kiosk) -> None: ...

    def listed(self, operator_id: str | None = None) -> list[Kiosk]:
        """Every kiosk (of one operator when given), by id, revoked ones too."""
        ...

    def operators(self) -> list[KioskOperator]:
        """Every kiosk operator, by id."""
        ...

    def last_seen(self, operator_id: str | None = None) -> dict[str, datetime]:
        """When each kiosk (of one operator when given) last opened a session, by kiosk id;
        kiosks that never did are absent."""
        ...


class AuditTrail(Protocol):
    def add(self, access: RecordAccess) -> None:
        """One read of one person's record; committed with the use case that read it."""
        ...


class Alarms(Protocol):
    def add(self, alarm: OutOfSyncAlarm) -> None: ...

    def of_municipality(self, municipality_code: str, since: datetime) -> list[OutOfSyncAlarm]:
        """The municipality's alarms at or after ``since``, newest first."""
        ...


class UseRegistrations(Protocol):
    def get(self, juminhyo_code: str, municipality_code: str) -> UseRegistration | None: ...
    def add(self, registration: UseRegistration) -> None: ...


class AppliedIdous(Protocol):
    """The 異動 already applied to the index, by id, with the digest of what each said."""

    def digests(self, idou_ids: Iterable[str]) -> dict[str, str]:
        """idou_id → digest for the ids already applied."""
        ...

    def add(self, applied: AppliedIdou) -> None:
        """Stored at the commit; an id applied concurrently makes it raise IntegrityError."""
        ...


class RefusalCounts(Protocol):
    def increment(self, day: date, municipality_code: str, kind: str, code: str) -> None:
        """Add 1 to the count of (JST ``day``, municipality, kind, refusal code), in a
        savepoint of the current transaction: a failure leaves the transaction usable."""
        ...


class PinResets(Protocol):
    """PIN-reset reservations (issuance/pin_reset) and their audit rows."""

    def add(self, reservation: PinResetReservation) -> None: ...

    def get(self, reservation_id: str, *, for_update: bool = False) -> PinResetReservation | None:
        """The reservation, or None; ``for_update`` locks its row until the commit."""
        ...

    def latest_for(self, certificate_serial: str) -> PinResetReservation | None:
        """The newest reservation for this certificate serial (lower-case hex), or None."""
        ...

    def add_audit(self, row: PinResetAudit) -> None: ...

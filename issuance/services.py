"""Use cases of a certificate request: menu, submit, poll, download, confirm the print."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from issuance.authenticity.model import DocumentStatus
from issuance.errors import KofuError
from issuance.model import (
    KIND_LABELS,
    UNSETTLED_STATES,
    CertificateKind,
    CertificateRequest,
    RequestState,
)
from issuance.ports import (
    BackendRegistry,
    IssueFact,
    JobQueue,
    Ledger,
    MunicipalityDirectory,
    QueueUnavailableError,
    UnitOfWork,
)
from issuance.refusal_counts import count_refusal
from issuance.refusals import RefusalError
from issuance.routing import Route, answering_municipality, route_request
from issuance.sessions.checks import (
    checked_session,
    recheck_named,
    recheck_request,
    session_resident,
)
from issuance.sessions.jpki import TrustStore
from issuance.submission import IdempotencyConflictError, NewRequest, new_request, precheck, replay
from issuance.use_registration import UseRegistration, register_use

__all__ = [
    "CONFIRMATION_GRACE",
    "ConfirmationTooLateError",
    "DocumentExpiredError",
    "IdempotencyConflictError",
    "MenuItem",
    "NewRequest",
    "RequestNotFoundError",
    "confirm_print",
    "download_document",
    "file_use_registration",
    "get_menu",
    "load_request",
    "poll_request",
    "submit_request",
]

MAX_COPIES = 10

# How long after its download a kiosk may still report a print result (a late report from
# its journal after a crash included). Later, only the operator's print log settles it.
CONFIRMATION_GRACE = timedelta(hours=72)


class RequestNotFoundError(KofuError):
    code = "REQUEST_NOT_FOUND"
    message_ja = "証明書の手続きが見つかりません。"
    message_en = "Request not found."


class DocumentExpiredError(KofuError):
    code = "DOCUMENT_EXPIRED"
    message_ja = "証明書の受け取り期限が過ぎました。もう一度お申し込みください。"
    message_en = "The document was not collected in time. Please request it again."


class ConfirmationTooLateError(KofuError):
    code = "CONFIRMATION_TOO_LATE"
    message_ja = "印刷結果の報告期限が過ぎました。事業者の印刷記録で照合します。"
    message_en = "Too late to report this print; it is settled from the operator's print log."


@dataclass(frozen=True)
class MenuItem:
    kind: str
    label_ja: str
    label_en: str
    available: bool
    fee: int | None
    refusal: KofuError | None


def get_menu(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    trust: TrustStore,
    kiosk_id: str,
    session_id: str,
    now: datetime,
) -> list[MenuItem]:
    """Every certificate kind, with its fee when available now or the reason it is not."""
    resident = session_resident(uow, trust, kiosk_id, session_id, now)
    items = []
    for kind in CertificateKind:
        ja, en = KIND_LABELS[kind]
        try:
            route = route_request(uow, directory, resident, kind, now)
            items.append(MenuItem(kind.value, ja, en, True, route.offering.fee, None))
        except RefusalError as refusal:
            items.append(MenuItem(kind.value, ja, en, False, None, refusal))
    return items


def submit_request(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    backends: BackendRegistry,
    queue: JobQueue,
    trust: TrustStore,
    kiosk_id: str,
    session_id: str,
    new: NewRequest,
    now: datetime,
) -> tuple[CertificateRequest, bool]:
    """Accept a request (or return the one this idempotency key already made) and enqueue it.

    A queue that cannot be reached does not refuse the request: it is stored, the kiosk
    polls it, and the sweeper enqueues it once the queue is back (issue 13 §2). A refusal
    (RefusalError: eligibility, the offering, the backend's pre-check) is counted for the
    portal's figures (issuance/refusal_counts.py) and raised.
    """
    session, resident = checked_session(uow, trust, kiosk_id, session_id, now)
    existing = uow.requests.by_idempotency_key(session_id, new.idempotency_key)
    if existing is not None:
        return replay(existing, new), False
    route: Route | None = None
    try:
        route = route_request(uow, directory, resident, new.kind, now, new.options.get("tax_year"))
        request_id = secrets.token_hex(16)
        precheck(uow, backends, route, request_id, kiosk_id, resident, now, session.card_generation)
    except RefusalError as refusal:  # answered now: no request row records it
        where = route.info.code if route is not None else answering_municipality(resident, new.kind)
        count_refusal(uow, where, new.kind.value, refusal.code, now)
        raise
    request = new_request(request_id, kiosk_id, session_id, resident, route, new, now)
    uow.requests.add(request)
    try:
        uow.commit()
    except IntegrityError:
        # The same key raced in from a retry: the first one wins, this one replays it.
        uow.rollback()
        existing = uow.requests.by_idempotency_key(session_id, new.idempotency_key)
        if existing is None:
            raise
        return replay(existing, new), False
    # Redis away: stored and accepted all the same; the sweeper enqueues it later
    # (SweepPolicy.requeue_after).
    with contextlib.suppress(QueueUnavailableError):
        queue.enqueue_render(request.id, route.info.render_lane)
    return request, True


def load_request(
    uow: UnitOfWork, kiosk_id: str, session_id: str, request_id: str, *, for_update: bool = False
) -> CertificateRequest:
    """A request, only for the kiosk and session that made it; anyone else sees 'not found'."""
    request = uow.requests.get(request_id, for_update=for_update)
    if request is None or request.kiosk_id != kiosk_id or request.session_id != session_id:
        raise RequestNotFoundError()
    return request


def poll_request(
    uow: UnitOfWork,
    trust: TrustStore,
    kiosk_id: str,
    session_id: str,
    request_id: str,
    now: datetime,
) -> CertificateRequest:
    """A request's state, after sign-in's checks and its kind's own refusals made again.

    A request whose kind is now refused to the resident (a 転出届 filed since, for a 住民票)
    is withdrawn and answered ``failed`` with that refusal, as a refusal at render would be.
    Raises what ``session_resident`` raises, and RequestNotFoundError.
    """
    resident = session_resident(uow, trust, kiosk_id, session_id, now)
    request = load_request(uow, kiosk_id, session_id, request_id)
    if recheck_request(uow, request, resident, now) is None:
        expire_if_uncollected(uow, request, now)
    return request


def expire_if_uncollected(uow: UnitOfWork, request: CertificateRequest, now: datetime) -> bool:
    """A ready request whose document's TTL has passed ends ``expired`` now (commits).

    The sweeper does the same for documents nobody asks about; this is the deadline kept
    where it is used, so no call can see (or download) a document past its TTL.
    """
    if request.state is not RequestState.READY:
        return False
    document = uow.held_documents.get(request.id)
    if document is not None and now < document.expires_at:
        return False
    request.expire(now)
    uow.documents.set_status(request.serial, DocumentStatus.VOID)
    uow.held_documents.delete([request.id])
    uow.commit()
    return True


def download_document(
    uow: UnitOfWork,
    trust: TrustStore,
    kiosk_id: str,
    session_id: str,
    request_id: str,
    now: datetime,
) -> tuple[CertificateRequest, bytes]:
    """The one download: the document leaves the centre and is deleted in the same commit.

    Sign-in's checks, the kind's refusals and the index checks of everyone the document
    names are made again first; a refusal (raised, with its code) has withdrawn the request
    and deleted its document. A document past its TTL is refused (DocumentExpiredError),
    the request ends ``expired`` and the PDF is deleted. The register marks the serial
    ``unconfirmed`` until the print result comes in. Raises RequestNotFoundError,
    RequestStateError (not ready, or already delivered) and what ``session_resident``
    raises (SESSION_EXPIRED past the session's deadline).
    """
    resident = session_resident(uow, trust, kiosk_id, session_id, now)
    request = load_request(uow, kiosk_id, session_id, request_id, for_update=True)
    refusal = recheck_request(uow, request, resident, now) or recheck_named(uow, request, now)
    if refusal is not None:
        raise refusal
    if expire_if_uncollected(uow, request, now):
        raise DocumentExpiredError()
    request.deliver(now)
    document = uow.held_documents.get(request.id)
    if document is None:
        raise RequestNotFoundError(
            "DOCUMENT_GONE", "証明書の保存期間が過ぎました。", "The document has expired."
        )
    pdf = document.pdf
    uow.held_documents.remove(document)
    uow.documents.set_status(request.serial, DocumentStatus.UNCONFIRMED)
    uow.commit()
    return request, pdf


def confirm_print(
    uow: UnitOfWork,
    ledger: Ledger,
    kiosk_id: str,
    session_id: str,
    request_id: str,
    printed: bool,
    now: datetime,
) -> tuple[CertificateRequest, bool]:
    """Printed: exactly one billing event. Failed: voided at no charge. Retries change nothing.

    Not re-checked like the other calls: a delivered document may be on paper already, so
    its print is recorded and charged once even if the session has ended since, and also
    when the request is ``unconfirmed`` (a kiosk reporting from its journal after a
    restart), up to CONFIRMATION_GRACE after the download (later: ConfirmationTooLateError;
    the operator's print log settles it). A late print is billed at the download's time,
    the month the paper came out in.
    """
    request = load_request(uow, kiosk_id, session_id, request_id, for_update=True)
    if request.state in UNSETTLED_STATES and request.delivered_at is not None:
        if now >= request.delivered_at + CONFIRMATION_GRACE:
            raise ConfirmationTooLateError(delivered_at=request.delivered_at.isoformat())
    late = request.state is RequestState.UNCONFIRMED
    if not request.confirm(printed, now):
        return request, False
    at = request.delivered_at if late and request.delivered_at is not None else now
    settle(uow, ledger, request, printed, at)
    uow.commit()
    return request, True


def settle(
    uow: UnitOfWork, ledger: Ledger, request: CertificateRequest, printed: bool, at: datetime
) -> None:
    """The billing event and register status of a print result just recorded (no commit).

    Printed: one issue event dated ``at`` and the serial genuine. Failed: a void event, the
    serial void and a document still held deleted.
    """
    fact = IssueFact(
        request_id=request.id,
        municipality_code=request.municipality_code,
        kiosk_id=request.kiosk_id,
        certificate_kind=request.kind.value,
        copies=request.copies,
        fee_total=request.fee_total,
        occurred_at=at,
    )
    if printed:
        ledger.record_issue(uow, fact)
        uow.documents.set_status(request.serial, DocumentStatus.ISSUED)
    else:
        ledger.record_void(uow, fact)
        uow.documents.set_status(request.serial, DocumentStatus.VOID)
        uow.held_documents.delete([request.id])


def file_use_registration(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    trust: TrustStore,
    kiosk_id: str,
    session_id: str,
    now: datetime,
) -> tuple[UseRegistration, str]:
    """The 利用登録 with the resident's 本籍地 (idempotent), and that municipality's name."""
    resident = session_resident(uow, trust, kiosk_id, session_id, now)
    registration = register_use(uow, directory, resident, now)
    info = directory.get(uow, registration.municipality_code)
    return registration, info.name if info else ""

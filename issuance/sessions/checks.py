"""What sign-in checked, checked again on every later call of a session; a failure ends it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from issuance.authenticity.model import DocumentStatus
from issuance.calendar import JST
from issuance.eligibility import check_resident
from issuance.errors import CardAuthError
from issuance.index.alarms import raise_alarm
from issuance.index.check import OUT_OF_SYNC, RecordsOutOfSyncError, check_named_again, index_of
from issuance.index.model import Resident
from issuance.model import OPEN_STATES, CertificateRequest, RequestState
from issuance.ports import UnitOfWork
from issuance.refusals import RefusalError
from issuance.routing import check_resident_for
from issuance.sessions.jpki import TrustStore
from issuance.sessions.kiosks import KioskSession, SessionError, SessionState, session_expired
from issuance.sessions.phones import verify_credential

# A kiosk whose credential was revoked: its sessions' open requests end with this code.
KIOSK_REVOKED_CODE = "KIOSK_UNAUTHORIZED"


def _check_link(linked_to: str | None, usable_from: date | None, now: datetime) -> None:
    if linked_to is None or usable_from is None:
        raise RefusalError("CARD_NOT_LINKED")
    if now.astimezone(JST).date() < usable_from:
        raise RefusalError("CARD_NOT_YET_USABLE")


def linked_resident(uow: UnitOfWork, fingerprint: str, now: datetime) -> Resident:
    """The resident a card certificate is linked to today, loaded with the link in one query.

    ``fingerprint`` is the certificate's SHA-256 (hex). Raises RefusalError CARD_NOT_LINKED
    (no link, e.g. the card was withdrawn) or CARD_NOT_YET_USABLE (usable from the day after
    it was issued, its PIN changed or the resident moved in: DOMAIN §2).
    """
    row = uow.residents.linked_to_card(fingerprint)
    if row is None:
        raise RefusalError("CARD_NOT_LINKED")
    resident, usable_from = row
    _check_link(resident.juminhyo_code, usable_from, now)
    return resident


def check_holder(resident: Resident, now: datetime) -> None:
    """The refusals about the person that leave a session nothing to offer (DOMAIN §3).

    Raises RefusalError DV_PROTECTED, DECEASED or UNDER_15 (eligibility.check_resident).
    """
    check_resident(resident, now.astimezone(JST).date())


@dataclass(frozen=True)
class _Holder:
    """A session as stored, with what its card's link and the index say about it now."""

    session: KioskSession
    linked_to: str | None  # the 住民票コード the card is linked to now, if it still is
    usable_from: date | None
    resident: Resident | None

    def recheck(self, trust: TrustStore, now: datetime) -> Resident:
        """Sign-in's checks again: certificate (chain, validity, CRL; a phone's card too),
        link, the person."""
        verify_credential(self.session.certificate_der, trust, now)
        _check_link(self.linked_to, self.usable_from, now)
        if self.resident is None or self.linked_to != self.session.juminhyo_code:
            raise RefusalError("CARD_NOT_LINKED")  # the card is linked to someone else now
        check_holder(self.resident, now)
        return self.resident


def _load(uow: UnitOfWork, session_id: str) -> _Holder | None:
    """The session, its card's link and the linked resident (with residences): one query."""
    row = uow.kiosk_sessions.with_holder(session_id)
    return None if row is None else _Holder(*row)


def checked_session(
    uow: UnitOfWork, trust: TrustStore, kiosk_id: str, session_id: str, now: datetime
) -> tuple[KioskSession, Resident]:
    """The open session of ``kiosk_id`` and its resident, after sign-in's checks made again.

    Checked on every call after sign-in: the session (this kiosk's, authenticated, not expired),
    the card's certificate (JPKI chain, validity, revocation in the current CRL), its link to
    the same resident, and the person (DV等支援措置, deceased, under 15). A failed check ends
    the session in its own transaction (see ``end_session``) and is raised: CardAuthError
    (CERT_REVOKED, CERT_EXPIRED, REVOCATION_UNAVAILABLE…) or RefusalError (CARD_NOT_LINKED,
    DV_PROTECTED, DECEASED…). A session so ended answers later calls with the same code
    while the cause lasts, then SESSION_INVALID. SessionError for a session not found, not
    authenticated. Past the session's deadline SESSION_EXPIRED: the session ends then, in its
    own transaction, and its requests not yet downloaded are withdrawn with that code (a
    ready document deleted at once). Cost: one query (the session with its card's link and
    resident; before the re-check there were two) and the certificate's check in memory,
    the CRL being re-read only when its file changes.
    """
    holder = _load(uow, session_id)
    if holder is None or holder.session.kiosk_id != kiosk_id:
        raise SessionError("SESSION_NOT_FOUND", "手続きが見つかりません。", "Session not found.")
    session = holder.session
    if session.state is SessionState.CLOSED and session.juminhyo_code is not None:
        if now >= session.expires_at:
            raise session_expired()
        # Ended by a failed check (nothing stored says which): say why again if it still holds.
        holder.recheck(trust, now)
        raise SessionError()
    if session.state is SessionState.AUTHENTICATED and now >= session.expires_at:
        end_session(uow, session, "SESSION_EXPIRED", now)
        uow.commit()
        raise session_expired()
    session.require_resident(kiosk_id, now)
    try:
        resident = holder.recheck(trust, now)
    except (CardAuthError, RefusalError) as refusal:
        end_session(uow, session, refusal.code, now)
        uow.commit()
        raise
    return session, resident


def session_resident(
    uow: UnitOfWork, trust: TrustStore, kiosk_id: str, session_id: str, now: datetime
) -> Resident:
    """The session's resident, for every kiosk call after sign-in: ``checked_session``."""
    return checked_session(uow, trust, kiosk_id, session_id, now)[1]


def withdraw_requests(
    uow: UnitOfWork,
    code: str,
    now: datetime,
    *,
    request_id: str | None = None,
    session_id: str | None = None,
    kiosk_id: str | None = None,
) -> list[CertificateRequest]:
    """End the requests of one request, session or kiosk that have not left the centre.

    No charge, no data: accepted or rendering requests end ``failed`` with ``code`` (a
    render job still running finds them so and stores nothing); a ready one also, its
    document deleted now rather than at its TTL and its serial void for verification.
    Delivered requests are left alone: the paper may exist, and its confirmation is recorded
    (and charged once) as ever. The caller commits.
    """
    withdrawn = uow.requests.open_for_update(
        request_id=request_id, session_id=session_id, kiosk_id=kiosk_id
    )
    ready = [r for r in withdrawn if r.state is RequestState.READY]
    for request in withdrawn:
        request.withdraw(code, now)
    for request in ready:
        uow.documents.set_status(request.serial, DocumentStatus.VOID)
    if ready:
        uow.held_documents.delete(r.id for r in ready)
    return withdrawn


def end_session(uow: UnitOfWork, session: KioskSession, code: str, now: datetime) -> None:
    """Close ``session`` and withdraw its open requests with ``code``; the caller commits."""
    session.close()
    withdraw_requests(uow, code, now, session_id=session.id)


def end_kiosk_sessions(uow: UnitOfWork, kiosk_id: str, now: datetime) -> None:
    """A kiosk's credential is revoked: close its sessions, withdraw their open requests.

    Closed, they stay closed if the kiosk is later given a new credential. The caller commits.
    """
    uow.kiosk_sessions.close_all_of_kiosk(kiosk_id)
    withdraw_requests(uow, KIOSK_REVOKED_CODE, now, kiosk_id=kiosk_id)


def recheck_request(
    uow: UnitOfWork, request: CertificateRequest, resident: Resident, now: datetime
) -> RefusalError | None:
    """The kind's own refusals for the person, again, for a request not yet out of the centre.

    A 転出届 filed since the request (MOVING_OUT: 住民票・印鑑・課税, not 戸籍) or a move
    abroad (MOVED_ABROAD) withdraws it (see ``withdraw_requests``) and commits; returns that
    refusal, or None when the request may go on (or is already past this point).
    """
    if request.state not in OPEN_STATES:
        return None
    try:
        check_resident_for(resident, request.kind, now.astimezone(JST).date())
    except RefusalError as refusal:
        withdraw_requests(uow, refusal.code, now, request_id=request.id)
        uow.commit()
        return refusal
    return None


def recheck_named(
    uow: UnitOfWork, request: CertificateRequest, now: datetime
) -> RefusalError | None:
    """Everyone a ready document names, against the national index again (DOMAIN §3, §7).

    Render's rules (``check_named_again``) on the people stored with the held document. A
    failure withdraws the request (no charge, the document deleted) and commits; returns the
    refusal, the session going on. Out of sync: RECORDS_OUT_OF_SYNC with its alarm row. DV等
    支援措置 on anyone named is answered RECORDS_OUT_OF_SYNC too, without an alarm, so the
    resident learns nothing of a member's protection; the holder's own is caught before, by
    the session's checks. A document stored without its subjects is refused (fail closed).
    """
    document = uow.held_documents.get(request.id)
    if request.state is not RequestState.READY or document is None:
        return None
    refusal: RefusalError | None = None
    try:
        if document.subject_codes is None:
            raise RefusalError(OUT_OF_SYNC)
        removed = document.removed_codes or []
        today = now.astimezone(JST).date()
        check_named_again(index_of(uow), request, document.subject_codes, removed, today)
    except RecordsOutOfSyncError as stale:
        raise_alarm(uow, stale, request.kind.value, request.id, "download", now)
        refusal = stale  # counted per municipality where refusals are answered
    except RefusalError as refused:
        refusal = RefusalError(OUT_OF_SYNC) if refused.code == "DV_PROTECTED" else refused
    if refusal is None:
        return None
    withdraw_requests(uow, refusal.code, now, request_id=request.id)
    uow.commit()
    return refusal


__all__ = [
    "checked_session",
    "check_holder",
    "end_kiosk_sessions",
    "end_session",
    "linked_resident",
    "recheck_named",
    "recheck_request",
    "session_resident",
    "withdraw_requests",
]

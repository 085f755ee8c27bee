"""Use cases of card authentication: present the certificate, answer the challenge."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from issuance.errors import CardAuthError
from issuance.index.model import Resident
from issuance.model import RecordAccess
from issuance.ports import UnitOfWork
from issuance.refusal_counts import SIGN_IN, count_refusal
from issuance.refusals import RefusalError
from issuance.sessions.checks import check_holder, linked_resident
from issuance.sessions.jpki import TrustStore, card_generation, certificate_fingerprint
from issuance.sessions.kiosks import KioskSession, SessionError, SessionState
from issuance.sessions.phones import verify_answer, verify_credential

CHALLENGE_CONTEXT = b"kofu-kiosk-auth/1"


@dataclass(frozen=True)
class Challenge:
    session_id: str
    to_be_signed: bytes
    expires_at: datetime
    card_generation: str  # how the card must sign it: rsa2048 or p384 (signature_schemes.py)


@dataclass(frozen=True)
class AuthPolicy:
    challenge_ttl: timedelta
    session_ttl: timedelta


def challenge_message(kiosk_id: str, session_id: str, nonce: bytes) -> bytes:
    """What the card signs: the nonce bound to this kiosk and this session."""
    return b"\n".join(
        [CHALLENGE_CONTEXT, kiosk_id.encode(), session_id.encode(), nonce.hex().encode()]
    )


def open_session(
    uow: UnitOfWork,
    kiosk_id: str,
    certificate_der: bytes,
    trust: TrustStore,
    policy: AuthPolicy,
    now: datetime,
) -> Challenge:
    """Check the card's (or phone's) certificate and hand out a one-time challenge.

    The session records the credential (card, Android, iPhone) and the card's generation
    (RSA-2048 today, P-384 next), which decides how ``authenticate_session`` checks the answer.

    Raises CardAuthError (CERT_REVOKED, PHONE_CARD_REISSUED…: phones.verify_credential) or
    RefusalError (CARD_NOT_LINKED, CARD_NOT_YET_USABLE). Nothing about the person is checked
    yet: before the PIN, whoever holds the card must not learn, say, that its owner is under
    DV protection. A phone certificate is linked to its resident like a card's.
    """
    presented = verify_credential(certificate_der, trust, now)
    certificate = presented.certificate
    fingerprint = certificate_fingerprint(certificate_der)
    linked_resident(uow, fingerprint, now)
    session_id = secrets.token_hex(16)
    nonce = secrets.token_bytes(32)
    session = KioskSession(
        id=session_id,
        kiosk_id=kiosk_id,
        state=SessionState.CHALLENGED,
        certificate_der=certificate_der,
        certificate_fingerprint=fingerprint,
        card_generation=card_generation(certificate),
        challenge=nonce,
        challenge_expires_at=now + policy.challenge_ttl,
        created_at=now,
        expires_at=now + policy.challenge_ttl,
        credential=presented.credential.value,
    )
    uow.kiosk_sessions.add(session)
    uow.commit()
    return Challenge(
        session_id,
        challenge_message(kiosk_id, session_id, nonce),
        session.challenge_expires_at,
        session.card_generation,
    )


def _load_for_update(uow: UnitOfWork, kiosk_id: str, session_id: str) -> KioskSession:
    session = uow.kiosk_sessions.get(session_id, for_update=True)
    if session is None or session.kiosk_id != kiosk_id:
        raise SessionError("SESSION_NOT_FOUND", "手続きが見つかりません。", "Session not found.")
    return session


def authenticate_session(
    uow: UnitOfWork,
    kiosk_id: str,
    session_id: str,
    signature: bytes,
    trust: TrustStore,
    policy: AuthPolicy,
    now: datetime,
    report: bytes | None = None,
) -> KioskSession:
    """Check the answer and bind the session to its resident. The challenge burns on use.

    ``report``: a phone's signed report of how its holder was checked (phones.verify_answer;
    None for a card). The session keeps the credential and method, and so does the sign-in's
    audit row (RecordAccess, purpose "sign_in"). Then the checks every later call makes again
    (session_checks.checked_session): a resident who may get nothing at all (DV等支援措置,
    deceased, under 15) is refused here with that RefusalError, counted
    (issuance/refusal_counts.py) in the same commit that closes the session.
    Any failure closes the session.
    """
    session = _load_for_update(uow, kiosk_id, session_id)
    if session.state is not SessionState.CHALLENGED:
        session.authenticate("", now, policy.session_ttl)  # raises CHALLENGE_USED
    message = challenge_message(kiosk_id, session_id, session.challenge)
    resident: Resident | None = None
    try:
        presented = verify_credential(session.certificate_der, trust, now)
        method = verify_answer(presented, message, signature, report)
        resident = linked_resident(uow, session.certificate_fingerprint, now)
        session.authenticate(resident.juminhyo_code, now, policy.session_ttl)
        session.credential, session.auth_method = presented.credential.value, method.value
        check_holder(resident, now)
    except (CardAuthError, RefusalError, SessionError) as error:
        if isinstance(error, RefusalError) and resident is not None:  # about the person
            where = resident.municipality_code or resident.honseki_municipality_code
            count_refusal(uow, where, SIGN_IN, error.code, now, commit=False)
        session.close()
        uow.commit()
        raise
    _audit_sign_in(uow, kiosk_id, session, resident, now)
    uow.commit()
    return session


def _audit_sign_in(
    uow: UnitOfWork, kiosk_id: str, session: KioskSession, resident: Resident, now: datetime
) -> None:
    """The index was read for this resident: who signed in, where, with what and how."""
    uow.audit.add(
        RecordAccess(
            at=now,
            juminhyo_code=resident.juminhyo_code,
            municipality_code=resident.municipality_code
            or resident.honseki_municipality_code
            or "",
            kiosk_id=kiosk_id,
            request_id=None,
            purpose="sign_in",
            card_generation=session.card_generation,
            credential=session.credential,
            auth_method=session.auth_method,
        )
    )

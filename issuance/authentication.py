"""Use cases of card authentication: present the certificate, answer the challenge."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from issuance.card_auth import (
    TrustStore,
    certificate_fingerprint,
    verify_card_certificate,
    verify_card_signature,
)
from issuance.eligibility import JST
from issuance.errors import CardAuthError
from issuance.identity import CardLink
from issuance.kiosks import KioskSession, SessionError, SessionState
from issuance.ports import UnitOfWork
from issuance.refusals import RefusalError

CHALLENGE_CONTEXT = b"kofu-kiosk-auth/1"


@dataclass(frozen=True)
class Challenge:
    session_id: str
    to_be_signed: bytes
    expires_at: datetime


@dataclass(frozen=True)
class AuthPolicy:
    challenge_ttl: timedelta
    session_ttl: timedelta


def challenge_message(kiosk_id: str, session_id: str, nonce: bytes) -> bytes:
    """What the card signs: the nonce bound to this kiosk and this session."""
    return b"\n".join(
        [CHALLENGE_CONTEXT, kiosk_id.encode(), session_id.encode(), nonce.hex().encode()]
    )


def _linked_resident(uow: UnitOfWork, fingerprint: str, now: datetime) -> str:
    link = uow.session.get(CardLink, fingerprint)
    if link is None:
        raise RefusalError("CARD_NOT_LINKED")
    if now.astimezone(JST).date() < link.usable_from:
        raise RefusalError("CARD_NOT_YET_USABLE")
    return link.juminhyo_code


def open_session(
    uow: UnitOfWork,
    kiosk_id: str,
    certificate_der: bytes,
    trust: TrustStore,
    policy: AuthPolicy,
    now: datetime,
) -> Challenge:
    """Check the card's certificate and hand out a one-time challenge for this kiosk."""
    verify_card_certificate(certificate_der, trust, now)
    fingerprint = certificate_fingerprint(certificate_der)
    _linked_resident(uow, fingerprint, now)
    session_id = secrets.token_hex(16)
    nonce = secrets.token_bytes(32)
    session = KioskSession(
        id=session_id,
        kiosk_id=kiosk_id,
        state=SessionState.CHALLENGED,
        certificate_der=certificate_der,
        certificate_fingerprint=fingerprint,
        challenge=nonce,
        challenge_expires_at=now + policy.challenge_ttl,
        created_at=now,
        expires_at=now + policy.challenge_ttl,
    )
    uow.session.add(session)
    uow.commit()
    return Challenge(
        session_id, challenge_message(kiosk_id, session_id, nonce), session.challenge_expires_at
    )


def _load_for_update(uow: UnitOfWork, kiosk_id: str, session_id: str) -> KioskSession:
    session = uow.session.scalars(
        select(KioskSession).where(KioskSession.id == session_id).with_for_update()
    ).one_or_none()
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
) -> KioskSession:
    """Check the card's answer and bind the session to its resident. The challenge burns on use."""
    session = _load_for_update(uow, kiosk_id, session_id)
    if session.state is not SessionState.CHALLENGED:
        session.authenticate("", now, policy.session_ttl)  # raises CHALLENGE_USED
    message = challenge_message(kiosk_id, session_id, session.challenge)
    try:
        certificate = verify_card_certificate(session.certificate_der, trust, now)
        verify_card_signature(certificate, message, signature)
        juminhyo_code = _linked_resident(uow, session.certificate_fingerprint, now)
        session.authenticate(juminhyo_code, now, policy.session_ttl)
    except (CardAuthError, RefusalError, SessionError):
        session.close()
        uow.commit()
        raise
    uow.commit()
    return session

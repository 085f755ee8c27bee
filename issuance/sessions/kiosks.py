"""Kiosk operators, their kiosks (each with its own revocable credential) and kiosk sessions."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime, str_enum
from issuance.errors import KofuError
from issuance.sessions.signature_schemes import CardGeneration


class Channel(enum.StrEnum):
    STORE = "store"  # コンビニ等
    CITY_HALL = "city_hall"  # 庁内キオスク端末
    POST_OFFICE = "post_office"


class SessionState(enum.StrEnum):
    CHALLENGED = "challenged"
    AUTHENTICATED = "authenticated"
    CLOSED = "closed"


class SessionError(KofuError):
    code = "SESSION_INVALID"
    message_ja = "お手続きの有効期限が切れました。最初からやり直してください。"
    message_en = "This session is no longer valid. Please start again."


def session_expired() -> SessionError:
    """The session's deadline has passed: refused where it is used, on every later call."""
    return SessionError(
        "SESSION_EXPIRED",
        "お手続きの時間が過ぎました。最初からやり直してください。",
        "The session has expired. Please start again.",
    )


class KioskOperator(Base):
    __tablename__ = "issuance_kiosk_operator"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 20))
    commission_per_issue: Mapped[int] = mapped_column(default=117)  # 委託手数料 (yen, unconfirmed)
    invoice_registration_number: Mapped[str | None] = mapped_column(String(14))  # 適格請求書 T…


class Kiosk(Base):
    """One terminal. Its credential is a random secret; only its keyed hash is stored."""

    __tablename__ = "issuance_kiosk"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("issuance_kiosk_operator.id"), index=True)
    location: Mapped[str] = mapped_column(String(200))
    credential_hash: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class KioskSession(Base):
    """One resident at one kiosk: a challenge, then (once the card signed it) one resident."""

    __tablename__ = "issuance_kiosk_session"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("issuance_kiosk.id"), index=True)
    state: Mapped[SessionState] = mapped_column(str_enum(SessionState, 20))
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary)
    certificate_fingerprint: Mapped[str] = mapped_column(String(64))
    # which card signed in (signature_schemes.py): set from the certificate when it is presented
    card_generation: Mapped[CardGeneration] = mapped_column(
        str_enum(CardGeneration, 10), default=CardGeneration.RSA2048, server_default="rsa2048"
    )
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    challenge_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    juminhyo_code: Mapped[str | None] = mapped_column(String(11))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    authenticated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Which credential signed in (card, android, iphone: sessions/phones.py), known from its
    # certificate at the challenge; how its holder was checked, once the answer is accepted.
    credential: Mapped[str] = mapped_column(String(10), default="card", server_default="card")
    auth_method: Mapped[str | None] = mapped_column(String(24))

    def authenticate(self, juminhyo_code: str, now: datetime, ttl: timedelta) -> None:
        """Bind the session to one resident; a challenge answers once, before it expires."""
        if self.state is not SessionState.CHALLENGED:
            raise SessionError(
                "CHALLENGE_USED",
                "この確認コードは使用済みです。最初からやり直してください。",
                "This challenge has already been answered. Please start again.",
            )
        if now >= self.challenge_expires_at:
            raise SessionError(
                "CHALLENGE_EXPIRED",
                "確認の有効期限が切れました。カードを入れ直してください。",
                "The challenge expired. Please insert the card again.",
            )
        self.state = SessionState.AUTHENTICATED
        self.juminhyo_code = juminhyo_code
        self.authenticated_at = now
        self.expires_at = now + ttl

    def require_resident(self, kiosk_id: str, now: datetime) -> str:
        """The resident this session is bound to, for this kiosk only, while it is open."""
        if self.kiosk_id != kiosk_id:
            # Another kiosk presenting this session id is treated exactly like an unknown one.
            raise SessionError(
                "SESSION_NOT_FOUND", "手続きが見つかりません。", "Session not found."
            )
        if self.state is not SessionState.AUTHENTICATED or self.juminhyo_code is None:
            raise SessionError(
                "SESSION_NOT_AUTHENTICATED",
                "カードの確認が済んでいません。",
                "The card has not been verified in this session.",
            )
        if now >= self.expires_at:
            raise session_expired()
        return self.juminhyo_code

    def close(self) -> None:
        self.state = SessionState.CLOSED

"""PIN-reset reservations and their audit rows (no personal data: a certificate serial, ids)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime
from issuance.errors import KofuError


class PinResetEvent(enum.StrEnum):
    RESERVED = "reserved"  # the reset app (`kofu jpki reset-reservation`) gave one
    CHECKED = "checked"  # a kiosk found it valid for the card in its reader
    REFUSED = "refused"  # a kiosk was refused (``code`` says why)
    SIGNATURE_PIN_WRONG = "signature_pin_wrong"
    SIGNATURE_PIN_LOCKED = "signature_pin_locked"
    ABANDONED = "abandoned"  # the resident left (card removed, timeout, cancel)
    RESET = "reset"  # the card took the new PIN: the reservation is used up


# What a kiosk may report after it checked a reservation (RESET uses it up).
KIOSK_OUTCOMES = (
    PinResetEvent.RESET,
    PinResetEvent.SIGNATURE_PIN_WRONG,
    PinResetEvent.SIGNATURE_PIN_LOCKED,
    PinResetEvent.ABANDONED,
)


class PinResetError(KofuError):
    """A reservation the kiosk named is not one it checked (or does not exist)."""

    code = "RESET_RESERVATION_NOT_FOUND"
    message_ja = "暗証番号の再設定の予約が見つかりません。最初からやり直してください。"
    message_en = "The PIN-reset reservation was not found. Please start again."


class PinResetReservation(Base):
    """One reservation for one card, valid 24 hours, used at most once.

    The card is named by its user-authentication certificate's serial number (lower-case
    hex): what the reset app reads from the card, and what the kiosk reads from EF 000A
    without any PIN. Serials are unique under JPKI's one user-authentication CA.
    """

    __tablename__ = "issuance_pin_reset_reservation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    certificate_serial: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    checked_by_kiosk: Mapped[str | None] = mapped_column(String(32))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    used_by_kiosk: Mapped[str | None] = mapped_column(String(32))


class PinResetAudit(Base):
    """One step of a reset: who (kiosk), which reservation, what happened — never whose."""

    __tablename__ = "issuance_pin_reset_audit"

    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    event: Mapped[str] = mapped_column(String(30))
    reservation_id: Mapped[str | None] = mapped_column(String(32))
    kiosk_id: Mapped[str | None] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(String(40))  # the refusal, when refused
    tries_left: Mapped[int | None] = mapped_column(Integer())  # signature PIN, as the card said

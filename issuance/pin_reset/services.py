"""Use cases of a kiosk PIN reset: reserve (the reset app), check at the kiosk, report."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from issuance.errors import CardAuthError
from issuance.pin_reset.model import (
    KIOSK_OUTCOMES,
    PinResetAudit,
    PinResetError,
    PinResetEvent,
    PinResetReservation,
)
from issuance.ports import UnitOfWork
from issuance.refusals import RefusalError
from issuance.sessions.jpki import TrustStore, verify_card_certificate

# JPKI's reset app: "a reservation valid 24 hours" (DOMAIN §9).
RESERVATION_VALIDITY = timedelta(hours=24)


def serial_hex(serial: int) -> str:
    """A certificate serial as stored: lower-case hex without leading zeros."""
    return format(serial, "x")


def _audit(
    uow: UnitOfWork,
    event: PinResetEvent,
    now: datetime,
    reservation_id: str | None = None,
    kiosk_id: str | None = None,
    code: str | None = None,
    tries_left: int | None = None,
) -> None:
    uow.pin_resets.add_audit(
        PinResetAudit(
            at=now,
            event=event.value,
            reservation_id=reservation_id,
            kiosk_id=kiosk_id,
            code=code,
            tries_left=tries_left,
        )
    )


def reserve_pin_reset(
    uow: UnitOfWork, certificate_serial: int, now: datetime
) -> PinResetReservation:
    """A new reservation for the card with this user-authentication certificate serial,
    valid ``RESERVATION_VALIDITY`` from ``now`` (the reset app's face match is not ours)."""
    reservation = PinResetReservation(
        id=secrets.token_hex(16),
        certificate_serial=serial_hex(certificate_serial),
        created_at=now,
        expires_at=now + RESERVATION_VALIDITY,
    )
    uow.pin_resets.add(reservation)
    _audit(uow, PinResetEvent.RESERVED, now, reservation.id)
    uow.commit()
    return reservation


def _refused(
    uow: UnitOfWork, code: str, kiosk_id: str, now: datetime, reservation_id: str | None
) -> RefusalError:
    _audit(uow, PinResetEvent.REFUSED, now, reservation_id, kiosk_id, code)
    uow.commit()
    return RefusalError(code)


def check_pin_reset(
    uow: UnitOfWork, kiosk_id: str, certificate_der: bytes, trust: TrustStore, now: datetime
) -> PinResetReservation:
    """The reservation for the card in the kiosk's reader, if it may reset its PIN now.

    The certificate (read from the card without a PIN) is checked as at sign-in: chain,
    validity, revocation (CardAuthError CERT_REVOKED…; a revoked card is not reset). The
    latest reservation for its serial decides: RefusalError NO_RESET_RESERVATION,
    RESET_RESERVATION_USED, RESET_RESERVATION_EXPIRED (24 hours after it was given). Each
    refusal, the card's included, is audited and committed before it is raised.
    """
    try:
        certificate = verify_card_certificate(certificate_der, trust, now)
    except CardAuthError as error:
        _audit(uow, PinResetEvent.REFUSED, now, None, kiosk_id, error.code)
        uow.commit()
        raise
    reservation = uow.pin_resets.latest_for(serial_hex(certificate.serial_number))
    if reservation is None:
        raise _refused(uow, "NO_RESET_RESERVATION", kiosk_id, now, None)
    if reservation.used_at is not None:
        raise _refused(uow, "RESET_RESERVATION_USED", kiosk_id, now, reservation.id)
    if now >= reservation.expires_at:
        raise _refused(uow, "RESET_RESERVATION_EXPIRED", kiosk_id, now, reservation.id)
    reservation.checked_at, reservation.checked_by_kiosk = now, kiosk_id
    _audit(uow, PinResetEvent.CHECKED, now, reservation.id, kiosk_id)
    uow.commit()
    return reservation


def report_pin_reset(
    uow: UnitOfWork,
    kiosk_id: str,
    reservation_id: str,
    outcome: PinResetEvent,
    now: datetime,
    tries_left: int | None = None,
) -> PinResetReservation:
    """What happened at the kiosk after it checked the reservation; RESET uses it up.

    Only the kiosk that checked it may report (PinResetError RESET_RESERVATION_NOT_FOUND
    otherwise). RESET reported again by that kiosk is answered the same (a retried call);
    RefusalError RESET_RESERVATION_USED if another kiosk used it. A RESET may end after the
    24 hours if the check was made within them: the card already holds the new PIN.
    """
    if outcome not in KIOSK_OUTCOMES:
        raise ValueError(f"a kiosk does not report {outcome}")
    reservation = uow.pin_resets.get(reservation_id, for_update=True)
    if reservation is None or reservation.checked_by_kiosk != kiosk_id:
        raise PinResetError()
    if outcome is PinResetEvent.RESET:
        if reservation.used_at is not None:
            if reservation.used_by_kiosk == kiosk_id:
                return reservation
            raise RefusalError("RESET_RESERVATION_USED")
        reservation.used_at, reservation.used_by_kiosk = now, kiosk_id
    _audit(uow, outcome, now, reservation.id, kiosk_id, tries_left=tries_left)
    uow.commit()
    return reservation

"""Kiosk PIN reset: the kiosk checks the card's reservation, then reports what happened.

Neither the signature password nor the new PIN is ever sent: both go only to the card. The
centre learns the card (its certificate, readable without a PIN) and the outcome.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from flask import Response
from pydantic import BaseModel, BeforeValidator, Field

from issuance.pin_reset import services as pin_reset
from issuance.pin_reset.model import PinResetEvent, PinResetReservation
from kiosk_api.extension import current_platform
from kiosk_api.kiosk_common import as_json, b64, bp, kiosk_of, spec
from kiosk_api.openapi import parse_body
from kiosk_api.schemas import BASE64, Strict, _whole_number

RESERVATION = "/v1/pin-resets/{reservation_id}"


class PinResetBody(Strict):
    certificate: str = Field(
        description="The card's user-authentication certificate (EF 000A), DER, base64",
        max_length=8000,
        pattern=BASE64,
    )


class PinResetOut(BaseModel):
    reservation_id: str
    expires_at: datetime
    used: bool


class PinResetOutcomeBody(Strict):
    outcome: Literal["reset", "signature_pin_wrong", "signature_pin_locked", "abandoned"]
    # The bounds before the validator: after it (JsonInt) they would not reach the schema.
    signature_pin_tries_left: (
        Annotated[int, Field(ge=0, le=5), BeforeValidator(_whole_number)] | None
    ) = None


@spec.route(
    "POST",
    "/v1/pin-resets",
    "PIN reset: the reservation for the card in the reader, if it may reset its PIN now",
    body=PinResetBody,
    response=PinResetOut,
    status=201,
    errors=(
        "KIOSK_UNAUTHORIZED",
        "NO_RESET_RESERVATION",
        "RESET_RESERVATION_EXPIRED",
        "RESET_RESERVATION_USED",
        "CERT_REVOKED",
        "CERT_EXPIRED",
        "CERT_UNTRUSTED",
        "REVOCATION_UNAVAILABLE",
    ),
)
@bp.post("/pin-resets")
def check_reservation() -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        body = parse_body(PinResetBody)
        reservation = pin_reset.check_pin_reset(
            uow, kiosk_id, b64(body.certificate, "certificate"), platform.trust, platform.now()
        )
        return as_json(_out(reservation), 201)


@spec.route(
    "POST",
    RESERVATION + "/outcome",
    "PIN reset: what happened at the kiosk (reset uses the reservation up)",
    body=PinResetOutcomeBody,
    response=PinResetOut,
    errors=("KIOSK_UNAUTHORIZED", "RESET_RESERVATION_NOT_FOUND", "RESET_RESERVATION_USED"),
)
@bp.post("/pin-resets/<reservation_id>/outcome")
def report_outcome(reservation_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        body = parse_body(PinResetOutcomeBody)
        reservation = pin_reset.report_pin_reset(
            uow,
            kiosk_id,
            reservation_id,
            PinResetEvent(body.outcome),
            platform.now(),
            body.signature_pin_tries_left,
        )
        return as_json(_out(reservation))


def _out(reservation: PinResetReservation) -> PinResetOut:
    return PinResetOut(
        reservation_id=reservation.id,
        expires_at=reservation.expires_at,
        used=reservation.used_at is not None,
    )

"""A headless PIN reset with a card file: reservation, signature password, new PIN, report."""

from __future__ import annotations

from pathlib import Path

from kiosk_terminal.centre_client import CentreClient, CentreError
from kiosk_terminal.headless import Outcome
from kiosk_terminal.jpki import CardError
from kiosk_terminal.jpki_reset import (
    JpkiResetCard,
    NewPinFormatError,
    SignaturePinLockedError,
    WrongSignaturePinError,
)
from kiosk_terminal.virtual_card import VirtualCard


def reset_pin(client: CentreClient, card_path: Path, password: str, new_pin: str) -> Outcome:
    """Card → reservation check → signature password → RESET RETRY COUNTER → report.

    The outcome's code is PIN_RESET, or the refusal's (NO_RESET_RESERVATION,
    WRONG_SIGNATURE_PIN, SIGNATURE_PIN_LOCKED, NEW_PIN_FORMAT, CERT_REVOKED…). Neither
    secret is sent to the centre.
    """
    card = JpkiResetCard(VirtualCard.load(card_path))
    try:
        if not (len(new_pin) == 4 and new_pin.isascii() and new_pin.isdigit()):
            raise NewPinFormatError()
        card.select_application()
        if card.signature_pin_tries_left() == 0:
            raise SignaturePinLockedError()
        reservation = client.check_pin_reset(card.read_user_certificate())["reservation_id"]
        _verify(client, card, reservation, password.upper())
        card.reset_user_pin(new_pin)
        client.report_pin_reset(reservation, "reset")
    except (CentreError, CardError) as error:
        return Outcome(False, error.code, error.message_ja, error.message_en)
    return Outcome(True, "PIN_RESET", "暗証番号を再設定しました。", "The PIN has been reset.")


def _verify(client: CentreClient, card: JpkiResetCard, reservation: str, password: str) -> None:
    """The signature password; a wrong or locked one is reported, then raised."""
    try:
        card.verify_signature_pin(password)
    except WrongSignaturePinError as error:
        client.report_pin_reset(reservation, "signature_pin_wrong", error.tries_left)
        raise
    except SignaturePinLockedError:
        client.report_pin_reset(reservation, "signature_pin_locked", 0)
        raise

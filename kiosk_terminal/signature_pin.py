"""The virtual card's signature PIN (署名用パスワード) and the kiosk PIN reset it allows.

The signature password lives in EF ``001B`` of the JPKI application (OpenSC's jpki driver
names it ``JPKI_PIN_SIGN``), with its own retry counter of 5 (the real card's). Once it is
verified in a card session, RESET RETRY COUNTER may set a new user-authentication PIN:

    SELECT EF 001B, VERIFY   00 20 00 80 <Lc> <signature password, ASCII>
    SELECT EF 0018, RESET RETRY COUNTER   00 2C 02 80 04 <new PIN, 4 ASCII digits>

Why RESET RETRY COUNTER (ISO 7816-4 INS 2C) and not CHANGE REFERENCE DATA (INS 24): CHANGE
REFERENCE DATA needs the current PIN (P1=00, old + new) or a PIN already verified (P1=01);
a resident at the reset kiosk has forgotten it, or it is locked. RESET RETRY COUNTER with
P1=02 ("new reference data only", the right to do so proven by other means: here the verified
signature password) sets the PIN and a full try counter, which is what the reset does.
P2=80 names the application's own reference data, as VERIFY does. One reset per verification.
How the real card authorises it is not public; this is our stand-in, documented as such.
"""

from __future__ import annotations

import hmac

EF_SIGNATURE_PIN = 0x001B
MAX_SIGNATURE_PIN_TRIES = 5
SIGNATURE_PIN_LENGTHS = range(6, 17)
_SIGNATURE_PIN_SYMBOLS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

SW_OK = b"\x90\x00"
SW_PIN_BLOCKED = b"\x69\x83"


def is_signature_pin(text: str) -> bool:
    """6 to 16 upper-case ASCII letters and digits (the rule JPKI gives residents)."""
    return len(text) in SIGNATURE_PIN_LENGTHS and set(text) <= _SIGNATURE_PIN_SYMBOLS


def is_user_pin(data: bytes) -> bool:
    """4 ASCII digits: the user-authentication PIN."""
    return len(data) == 4 and all(0x30 <= b <= 0x39 for b in data)


class SignaturePin:
    """The password, its counter, and whether it was verified in this card session."""

    def __init__(self, pin: str, tries_left: int = MAX_SIGNATURE_PIN_TRIES) -> None:
        if not is_signature_pin(pin):
            raise ValueError("the signature password is 6-16 upper-case letters and digits")
        self.pin = pin
        self.tries_left = tries_left
        self.verified = False

    def verify(self, data: bytes) -> tuple[bytes, bool]:
        """The status word for VERIFY with ``data``, and whether the counter changed.

        No data asks for the counter (``63 Cx``) and uses no try; ``69 83`` once locked.
        """
        if self.tries_left <= 0:
            return SW_PIN_BLOCKED, False
        if not data:
            return (SW_OK if self.verified else _tries_left_status(self.tries_left)), False
        if hmac.compare_digest(data, self.pin.encode("ascii")):
            self.tries_left, self.verified = MAX_SIGNATURE_PIN_TRIES, True
            return SW_OK, True
        self.tries_left -= 1
        self.verified = False
        if self.tries_left == 0:
            return SW_PIN_BLOCKED, True
        return _tries_left_status(self.tries_left), True

    def spend(self) -> bool:
        """Use up the verification for one reset; False if it was not verified."""
        verified, self.verified = self.verified, False
        return verified


def signature_pin_from(document: dict[str, object]) -> SignaturePin | None:
    """The signature PIN of a card file; None for a file from before kiosk PIN reset."""
    pin = document.get("signature_pin")
    if not isinstance(pin, str):
        return None
    return SignaturePin(
        pin, int(str(document.get("signature_tries_left", MAX_SIGNATURE_PIN_TRIES)))
    )


def signature_pin_fields(signature_pin: SignaturePin | None) -> dict[str, object]:
    """What a card file keeps of it (nothing for a card without one)."""
    if signature_pin is None:
        return {}
    return {"signature_pin": signature_pin.pin, "signature_tries_left": signature_pin.tries_left}


def _tries_left_status(tries_left: int) -> bytes:
    return bytes([0x63, 0xC0 | tries_left])

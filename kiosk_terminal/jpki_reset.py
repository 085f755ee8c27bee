"""The kiosk's APDUs for a PIN reset: verify the signature PIN, then set a new user PIN.

See kiosk_terminal/signature_pin.py for the card's side and why RESET RETRY COUNTER (INS 2C).
Neither PIN ever leaves the kiosk: both go to the card only.
"""

from __future__ import annotations

from kiosk_terminal.jpki import (
    MAX_PIN_TRIES,
    SW_OK,
    SW_PIN_BLOCKED,
    CardError,
    CardStatusError,
    JpkiCard,
    more_wrong_tries,
)

EF_PIN = bytes.fromhex("0018")
EF_SIGNATURE_PIN = bytes.fromhex("001B")
MAX_SIGNATURE_PIN_TRIES = 5
SW_FILE_NOT_FOUND = 0x6A82
_SIGNATURE_PIN_SYMBOLS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class SignaturePinFormatError(CardError):
    code = "SIGNATURE_PIN_FORMAT"
    message_ja = "署名用電子証明書のパスワードは、英大文字と数字の6〜16桁で入力してください。"
    message_en = "Enter the signature password as 6 to 16 capital letters and digits."


class WrongSignaturePinError(CardError):
    code = "WRONG_SIGNATURE_PIN"

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        self.message_ja = (
            f"署名用電子証明書のパスワードが違います。あと{tries_left}回間違えるとロックされます。"
        )
        self.message_en = (
            f"The signature password is incorrect. {more_wrong_tries(tries_left)} will lock it."
        )
        super().__init__(self.message_en)


class SignaturePinLockedError(CardError):
    code = "SIGNATURE_PIN_LOCKED"
    message_ja = (
        "署名用電子証明書のパスワードがロックされています。"
        "キオスク端末では再設定できません。お住まいの市区町村の窓口へお越しください。"
    )
    message_en = (
        "The signature password is locked, so the PIN cannot be reset at a kiosk. "
        "Please go to your municipal office."
    )


class NoSignaturePinError(CardError):
    code = "NO_SIGNATURE_CERTIFICATE"
    message_ja = (
        "このカードには署名用電子証明書がないため、キオスク端末では暗証番号を再設定できません。"
    )
    message_en = "This card has no signature certificate, so its PIN cannot be reset at a kiosk."


class NewPinFormatError(CardError):
    code = "NEW_PIN_FORMAT"
    message_ja = "新しい暗証番号は4桁の数字で入力してください。"
    message_en = "Please enter the new PIN as 4 digits."


def is_signature_pin(text: str) -> bool:
    """6 to 16 upper-case ASCII letters and digits."""
    return 6 <= len(text) <= 16 and set(text) <= _SIGNATURE_PIN_SYMBOLS


class JpkiResetCard(JpkiCard):
    """The JPKI application of a card brought for a PIN reset (select it first, as always)."""

    def signature_pin_tries_left(self) -> int:
        """Wrong signature passwords the card still accepts (uses no try); 0 when locked.

        Raises NoSignaturePinError when the card has no signature password (EF 001B).
        """
        self._select_signature_pin()
        _, status = self._send(bytes.fromhex("00200080"))
        if status == SW_OK:
            return MAX_SIGNATURE_PIN_TRIES
        if status == SW_PIN_BLOCKED or status == 0x63C0:
            return 0
        if status & 0xFFF0 == 0x63C0:
            return status & 0x0F
        raise CardStatusError("VERIFY", status)

    def verify_signature_pin(self, password: str) -> None:
        """Verify the signature password on the card; a malformed one never reaches it.

        Raises SignaturePinFormatError, WrongSignaturePinError (with ``tries_left``),
        SignaturePinLockedError.
        """
        if not is_signature_pin(password):
            raise SignaturePinFormatError()
        self._select_signature_pin()
        data = password.encode("ascii")
        _, status = self._send(bytes.fromhex("00200080") + bytes([len(data)]) + data)
        if status == SW_OK:
            return
        if status == SW_PIN_BLOCKED or status == 0x63C0:
            raise SignaturePinLockedError()
        if status & 0xFFF0 == 0x63C0:
            raise WrongSignaturePinError(tries_left=status & 0x0F)
        raise CardStatusError("VERIFY", status)

    def reset_user_pin(self, new_pin: str) -> None:
        """RESET RETRY COUNTER (00 2C 02 80): the new 4-digit PIN with a full counter of
        ``MAX_PIN_TRIES``; the signature password must have been verified just before."""
        if not (len(new_pin) == 4 and new_pin.isascii() and new_pin.isdigit()):
            raise NewPinFormatError()
        self._select_ef(EF_PIN)
        data = new_pin.encode("ascii")
        _, status = self._send(bytes.fromhex("002C0280") + bytes([len(data)]) + data)
        if status != SW_OK:
            raise CardStatusError("RESET RETRY COUNTER", status)

    def _select_signature_pin(self) -> None:
        _, status = self._send(bytes.fromhex("00A4020C02") + EF_SIGNATURE_PIN)
        if status == SW_FILE_NOT_FOUND:
            raise NoSignaturePinError()
        if status != SW_OK:
            raise CardStatusError("SELECT EF 001B", status)


__all__ = [
    "MAX_PIN_TRIES",
    "JpkiResetCard",
    "NewPinFormatError",
    "NoSignaturePinError",
    "SignaturePinFormatError",
    "SignaturePinLockedError",
    "WrongSignaturePinError",
]

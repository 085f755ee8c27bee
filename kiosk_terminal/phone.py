"""The kiosk's driver for a phone held to the reader (its JPKI smartphone applet), and for
telling a phone from a card.

The applet's APDUs are described in kiosk_terminal/virtual_phone.py (kofu's design).
"""

from __future__ import annotations

import hashlib

from kiosk_terminal.jpki import (
    SHA256_DIGEST_INFO_PREFIX,
    SW_OK,
    CardError,
    CardStatusError,
    CardTransport,
    JpkiCard,
    NotMyNumberCardError,
)

PHONE_AID = bytes.fromhex("F06B6F66752D70686F6E65")
SW_SECURITY_NOT_SATISFIED = 0x6982
# GET DATA's report byte -> the credential and how its holder is checked.
PLATFORMS = {0x01: "android", 0x02: "iphone"}


class NotACredentialError(NotMyNumberCardError):
    code = "NOT_A_MYNUMBER_CARD"
    message_ja = (
        "マイナンバーカードまたはスマホ用電子証明書を読み取れませんでした。"
        "カードを置くか、スマートフォンをかざし直してください。"
    )
    message_en = (
        "Neither a My Number Card nor a smartphone certificate was found. Place your card, "
        "or hold your phone to the reader again."
    )


class BiometricFailedError(CardError):
    code = "BIOMETRIC_FAILED"
    message_ja = "iPhoneで本人確認（Face ID）ができませんでした。もう一度お試しください。"
    message_en = "Face ID on the iPhone did not confirm you. Please try again."


class JpkiPhone(JpkiCard):
    """The smartphone applet: the card's files and PIN (Android), and a signed report."""

    platform = "android"

    def select_application(self) -> None:
        _, status = self._send(bytes.fromhex("00A4040C") + bytes([len(PHONE_AID)]) + PHONE_AID)
        if status != SW_OK:
            raise NotACredentialError(f"SELECT phone AID answered {status:04X}")
        report, status = self._send(bytes.fromhex("80CA010100"))
        if status != SW_OK or len(report) != 1 or report[0] not in PLATFORMS:
            raise CardStatusError("GET DATA", status)
        self.platform = PLATFORMS[report[0]]

    @property
    def needs_pin(self) -> bool:
        return self.platform == "android"

    def answer_challenge(self, challenge: bytes) -> tuple[bytes, bytes]:
        """(report, signature): the phone checks its holder (PIN verified, or Face ID now)
        and signs the challenge's digest with its one-byte report."""
        digest_info = SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(challenge).digest()
        self._select_ef(bytes.fromhex("0017"))
        answer, status = self._send(
            bytes.fromhex("802A0080") + bytes([len(digest_info)]) + digest_info + b"\x00"
        )
        if status == SW_SECURITY_NOT_SATISFIED and self.platform == "iphone":
            raise BiometricFailedError()
        if status != SW_OK or len(answer) < 2:
            raise CardStatusError("COMPUTE DIGITAL SIGNATURE", status)
        return answer[:1], answer[1:]


def open_credential(transport: CardTransport) -> JpkiCard:
    """The card's application, or else a phone's: a ``JpkiCard`` or a ``JpkiPhone``,
    selected. NotMyNumberCardError (NotACredentialError) when neither answers."""
    card = JpkiCard(transport)
    try:
        card.select_application()
        return card
    except NotMyNumberCardError:
        pass
    phone = JpkiPhone(transport)
    phone.select_application()
    return phone


def sign_in_answer(
    credential: JpkiCard, challenge: bytes, certificate_der: bytes
) -> tuple[bytes, bytes | None]:
    """(signature, the phone's report or None for a card) over the centre's challenge; a card
    signs as its generation requires (JpkiCard.sign_challenge)."""
    if isinstance(credential, JpkiPhone):
        report, signature = credential.answer_challenge(challenge)
        return signature, report
    return credential.sign_challenge(challenge, certificate_der), None


def credential_kind(credential: JpkiCard) -> str:
    """card, android or iphone: what the screens say to hold, take, or do."""
    return credential.platform if isinstance(credential, JpkiPhone) else "card"

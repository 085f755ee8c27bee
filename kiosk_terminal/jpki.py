"""The kiosk's driver for the JPKI user-authentication application over any card transport."""

from __future__ import annotations

import hashlib
from typing import Protocol

from kiosk_terminal.card_signing import (
    P384_DIGEST_LENGTH,
    P384_SIGNATURE_LENGTH,
    CardGeneration,
    generation_of,
)

JPKI_USER_AUTH_AID = bytes.fromhex("D392F000260100000001")
EF_CERTIFICATE = bytes.fromhex("000A")
EF_CA_CERTIFICATE = bytes.fromhex("000B")
EF_PRIVATE_KEY = bytes.fromhex("0017")
EF_PIN = bytes.fromhex("0018")
MAX_PIN_TRIES = 3
MAX_READ_CHUNK = 255
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")

SW_OK = 0x9000
SW_PIN_BLOCKED = 0x6983


class CardTransport(Protocol):
    """Anything that carries a command APDU to the card and returns data + SW1 SW2."""

    def transmit(self, apdu: bytes) -> bytes: ...


class CardError(Exception):
    """The card could not be used; ``code`` is stable, the messages are for the resident."""

    code = "CARD_ERROR"
    message_ja = "カードを読み取れませんでした。カードを置き直してください。"
    message_en = "The card could not be read. Please place the card again."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(f"{self.code}: {detail or self.message_en}")


class NotMyNumberCardError(CardError):
    code = "NOT_A_MYNUMBER_CARD"
    message_ja = "マイナンバーカードではありません。マイナンバーカードを置いてください。"
    message_en = "This is not a My Number Card. Please place your My Number Card."


class InvalidPinFormatError(CardError):
    code = "PIN_FORMAT"
    message_ja = "暗証番号は4桁の数字で入力してください。"
    message_en = "Please enter the PIN as 4 digits."


def more_wrong_tries(tries_left: int) -> str:
    """English for the tries before a lock: "1 more wrong try", "2 more wrong tries"."""
    return f"{tries_left} more wrong {'try' if tries_left == 1 else 'tries'}"


class WrongPinError(CardError):
    code = "WRONG_PIN"

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        self.message_ja = (
            f"暗証番号が違います。あと{tries_left}回間違えると暗証番号がロックされます。"
        )
        self.message_en = f"The PIN is incorrect. {more_wrong_tries(tries_left)} will lock the PIN."
        super().__init__(self.message_en)


class PinLockedError(CardError):
    code = "PIN_LOCKED"
    # Both ways out: the kiosk's reset (a reservation made with the JPKI PIN reset app within
    # 24 hours; the refusal screen's button), or the municipality's counter.
    message_ja = (
        "暗証番号がロックされています。スマートフォンのJPKI暗証番号リセットアプリで予約済みの方は、"
        "このキオスク端末で再設定できます。予約がない方は、お住まいの市区町村の窓口で"
        "ロックを解除してください。"
    )
    message_en = (
        "The PIN is locked. If you reserved a reset with the JPKI PIN reset app on your "
        "smartphone, you can reset the PIN here at the kiosk; if not, please go to your "
        "municipality's counter to unlock it."
    )


class CardStatusError(CardError):
    """The card answered with a status word the driver did not expect."""

    code = "CARD_STATUS"

    def __init__(self, operation: str, status_word: int) -> None:
        self.status_word = f"{status_word:04X}"
        self.message_ja = f"カードの処理に失敗しました（{operation}: {self.status_word}）。"
        self.message_en = f"The card refused the operation ({operation}: {self.status_word})."
        super().__init__(self.message_en)


class JpkiCard:
    """The user-authentication application of one inserted card.

    Call ``select_application`` first, and again after the card was reset; selecting it
    again ends the PIN-verified state, so verify the PIN right before signing.
    """

    def __init__(self, transport: CardTransport) -> None:
        self._transport = transport

    def select_application(self) -> None:
        data = bytes([len(JPKI_USER_AUTH_AID)]) + JPKI_USER_AUTH_AID
        _, status = self._send(bytes.fromhex("00A4040C") + data)
        if status != SW_OK:
            raise NotMyNumberCardError(f"SELECT AID answered {status:04X}")

    def read_user_certificate(self) -> bytes:
        """The DER user-authentication certificate (readable without the PIN)."""
        self._select_ef(EF_CERTIFICATE)
        return self._read_der()

    def read_ca_certificate(self) -> bytes:
        """The DER certificate of the CA that issued the user-authentication certificate."""
        self._select_ef(EF_CA_CERTIFICATE)
        return self._read_der()

    def pin_tries_left(self) -> int:
        """How many wrong PINs the card still accepts before it locks (uses no try)."""
        self._select_ef(EF_PIN)
        _, status = self._send(bytes.fromhex("00200080"))
        if status == SW_OK:  # already verified in this session, so the counter is full
            return MAX_PIN_TRIES
        if status == SW_PIN_BLOCKED:
            return 0
        if status & 0xFFF0 == 0x63C0:
            return status & 0x0F
        raise CardStatusError("VERIFY", status)

    def verify_pin(self, pin: str) -> None:
        """Verify the 4-digit PIN; a malformed PIN is refused before reaching the card."""
        if not (len(pin) == 4 and pin.isascii() and pin.isdigit()):
            raise InvalidPinFormatError()
        self._select_ef(EF_PIN)
        pin_bytes = pin.encode("ascii")
        _, status = self._send(bytes.fromhex("00200080") + bytes([len(pin_bytes)]) + pin_bytes)
        if status == SW_OK:
            return
        if status == SW_PIN_BLOCKED or status == 0x63C0:
            raise PinLockedError()
        if status & 0xFFF0 == 0x63C0:
            raise WrongPinError(tries_left=status & 0x0F)
        raise CardStatusError("VERIFY", status)

    def sign_digest_info(self, digest_info: bytes) -> bytes:
        """COMPUTE DIGITAL SIGNATURE over ``digest_info`` (PIN verified first): a DER DigestInfo
        for today's RSA card, the raw digest for the P-384 one."""
        if not 0 < len(digest_info) <= 255:
            raise ValueError("the data to sign must be 1 to 255 bytes")
        self._select_ef(EF_PRIVATE_KEY)
        command = bytes.fromhex("802A0080") + bytes([len(digest_info)]) + digest_info + b"\x00"
        signature, status = self._send(command)
        if status != SW_OK:
            raise CardStatusError("COMPUTE DIGITAL SIGNATURE", status)
        return signature

    def sign_sha256(self, message: bytes) -> bytes:
        """The card's RSA PKCS#1 v1.5 SHA-256 signature over ``message``."""
        digest = hashlib.sha256(message).digest()
        return self.sign_digest_info(SHA256_DIGEST_INFO_PREFIX + digest)

    def sign_sha384_raw(self, message: bytes) -> bytes:
        """The next-generation card's ECDSA P-384 signature over SHA-384(``message``): raw r||s.

        The card takes the bare 48-byte digest and answers 96 bytes, passed to the centre as
        they are (kiosk_terminal/card_signing.py).
        """
        digest = hashlib.sha384(message).digest()
        assert len(digest) == P384_DIGEST_LENGTH
        signature = self.sign_digest_info(digest)
        if len(signature) != P384_SIGNATURE_LENGTH:
            raise CardError(f"a P-384 card answered {len(signature)} signature bytes, not 96")
        return signature

    def sign_challenge(self, message: bytes, certificate_der: bytes) -> bytes:
        """Sign the centre's challenge as the card's generation requires (from its certificate):
        RSA-2048 over DigestInfo(SHA-256), or P-384 over the raw SHA-384 digest."""
        try:
            generation = generation_of(certificate_der)
        except ValueError as error:
            raise CardError(str(error)) from error
        if generation is CardGeneration.P384:
            return self.sign_sha384_raw(message)
        return self.sign_sha256(message)

    def _select_ef(self, fid: bytes) -> None:
        _, status = self._send(bytes.fromhex("00A4020C02") + fid)
        if status != SW_OK:
            raise CardStatusError(f"SELECT EF {fid.hex().upper()}", status)

    def _read_der(self) -> bytes:
        header = self._read_binary(0, 4)
        total = _der_total_length(header)
        content = bytearray(header[:total])
        while len(content) < total:
            chunk = self._read_binary(len(content), min(MAX_READ_CHUNK, total - len(content)))
            if not chunk:
                raise CardError("the file ended before the end of its DER value")
            content += chunk
        return bytes(content[:total])

    def _read_binary(self, offset: int, length: int) -> bytes:
        if offset > 0x7FFF:
            raise CardError("the DER value is too long for READ BINARY offsets")
        command = bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, length])
        data, status = self._send(command)
        if status != SW_OK:
            raise CardStatusError("READ BINARY", status)
        return data

    def _send(self, apdu: bytes) -> tuple[bytes, int]:
        response = self._transport.transmit(apdu)
        if len(response) < 2:
            raise CardError("the card's answer had no status word")
        return response[:-2], int.from_bytes(response[-2:], "big")


def _der_total_length(header: bytes) -> int:
    """Total length of a DER SEQUENCE (tag + length + value) from its first bytes."""
    if len(header) < 2 or header[0] != 0x30:
        raise CardError("the file does not hold a DER certificate")
    first = header[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count not in (1, 2) or len(header) < 2 + count:
        raise CardError("the certificate's DER length is not supported")
    return 2 + count + int.from_bytes(header[2 : 2 + count], "big")

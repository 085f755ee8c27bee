"""A virtual My Number card answering APDUs like the JPKI user-authentication application."""

from __future__ import annotations

import base64
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from kiosk_terminal.signature_pin import (
    EF_SIGNATURE_PIN,
    SignaturePin,
    is_user_pin,
    signature_pin_fields,
    signature_pin_from,
)

CARD_FILE_FORMAT = "kofu-virtual-card/1"
JPKI_USER_AUTH_AID = bytes.fromhex("D392F000260100000001")
MAX_PIN_TRIES = 3

EF_CERTIFICATE = 0x000A
EF_CA_CERTIFICATE = 0x000B
EF_PRIVATE_KEY = 0x0017
EF_PIN = 0x0018
_KNOWN_EFS = {EF_CERTIFICATE, EF_CA_CERTIFICATE, EF_PRIVATE_KEY, EF_PIN, EF_SIGNATURE_PIN}

SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_SECURITY_NOT_SATISFIED = b"\x69\x82"
SW_PIN_BLOCKED = b"\x69\x83"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_WRONG_DATA = b"\x6a\x80"
SW_FILE_NOT_FOUND = b"\x6a\x82"
SW_WRONG_P1P2 = b"\x6a\x86"
SW_OFFSET_OUTSIDE_EF = b"\x6b\x00"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_CLA_NOT_SUPPORTED = b"\x6e\x00"

# DER DigestInfo prefixes of RFC 8017 §9.2, note 1 (AlgorithmIdentifier with NULL parameters).
_DIGEST_INFO_PREFIXES: dict[bytes, hashes.HashAlgorithm] = {
    bytes.fromhex("3021300906052b0e03021a05000414"): hashes.SHA1(),
    bytes.fromhex("3031300d060960864801650304020105000420"): hashes.SHA256(),
    bytes.fromhex("3041300d060960864801650304020205000430"): hashes.SHA384(),
    bytes.fromhex("3051300d060960864801650304020305000440"): hashes.SHA512(),
}


@dataclass(frozen=True)
class Apdu:
    """A short command APDU; ``le`` is None when absent, and 0 means 256."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes
    le: int | None


def parse_apdu(apdu: bytes) -> Apdu | None:
    """Split a short APDU (ISO 7816-4 cases 1-4); None when the lengths do not add up."""
    if len(apdu) < 4:
        return None
    cla, ins, p1, p2 = apdu[:4]
    body = apdu[4:]
    if not body:
        return Apdu(cla, ins, p1, p2, b"", None)
    if len(body) == 1:
        return Apdu(cla, ins, p1, p2, b"", body[0])
    lc = body[0]
    if lc == 0:  # extended length is not supported by this card
        return None
    if len(body) == 1 + lc:
        return Apdu(cla, ins, p1, p2, body[1:], None)
    if len(body) == 2 + lc:
        return Apdu(cla, ins, p1, p2, body[1:-1], body[-1])
    return None


def parse_digest_info(digest_info: bytes) -> tuple[hashes.HashAlgorithm, bytes] | None:
    """The hash algorithm and digest of a DER DigestInfo; None when it is not one we know."""
    for prefix, algorithm in _DIGEST_INFO_PREFIXES.items():
        if digest_info.startswith(prefix):
            digest = digest_info[len(prefix) :]
            return (algorithm, digest) if len(digest) == algorithm.digest_size else None
    return None


class VirtualCard:
    """One card: its files, its PIN counter, and the state of the current card session."""

    def __init__(
        self,
        *,
        certificate: bytes,
        ca_certificate: bytes,
        private_key: rsa.RSAPrivateKey,
        pin: str,
        tries_left: int = MAX_PIN_TRIES,
        label: str = "",
        path: Path | None = None,
        signature_pin: SignaturePin | None = None,
    ) -> None:
        self.certificate = certificate
        self.ca_certificate = ca_certificate
        self.label = label
        self._private_key = private_key
        self._pin = pin
        self.tries_left = tries_left
        self._path = path
        self.signature_pin = (
            signature_pin  # 署名用パスワード (kiosk PIN reset), if the card has one
        )
        self.reset()

    @classmethod
    def issue(
        cls,
        certificate: x509.Certificate | bytes,
        ca_certificate: x509.Certificate | bytes,
        private_key: rsa.RSAPrivateKey,
        pin: str,
        label: str,
        signature_pin: str | None = None,
    ) -> VirtualCard:
        """A new card holding this key pair, with fresh PIN counters (and a signature PIN)."""
        certificate_der = _der(certificate)
        if not (len(pin) == 4 and pin.isascii() and pin.isdigit()):
            raise ValueError("the user-authentication PIN is 4 ASCII digits")
        if x509.load_der_x509_certificate(certificate_der).public_key() != private_key.public_key():
            raise ValueError("the private key does not match the certificate")
        return cls(
            certificate=certificate_der,
            ca_certificate=_der(ca_certificate),
            private_key=private_key,
            pin=pin,
            label=label,
            signature_pin=SignaturePin(signature_pin) if signature_pin else None,
        )

    @classmethod
    def load(cls, path: Path | str) -> VirtualCard:
        """Read a card file; the PIN counter will be written back to it after every VERIFY."""
        path = Path(path)
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != CARD_FILE_FORMAT:
            raise ValueError(f"{path} is not a {CARD_FILE_FORMAT} card file")
        private_key = serialization.load_pem_private_key(
            document["private_key"].encode("ascii"), password=None
        )
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError(f"{path}: the card's key must be RSA")
        return cls(
            certificate=base64.b64decode(document["certificate"]),
            ca_certificate=base64.b64decode(document["ca_certificate"]),
            private_key=private_key,
            pin=document["pin"],
            tries_left=int(document["tries_left"]),
            label=document.get("label", ""),
            path=path,
            signature_pin=signature_pin_from(document),
        )

    def save(self, path: Path | str) -> None:
        """Write the card file atomically, and keep the PIN counter in sync with it from now on."""
        path = Path(path)
        _write_atomically(path, json.dumps(self._as_document(), indent=2) + "\n")
        self._path = path

    def reset(self) -> None:
        """Power cycle: nothing selected and the PIN no longer verified."""
        self._application_selected = False
        self._current_ef: int | None = None
        self._pin_verified = False
        if self.signature_pin is not None:
            self.signature_pin.verified = False

    def transmit(self, apdu: bytes) -> bytes:
        """Answer one command APDU with response data followed by SW1 SW2."""
        command = parse_apdu(apdu)
        if command is None:
            return SW_WRONG_LENGTH
        if command.cla not in (0x00, 0x80):
            return SW_CLA_NOT_SUPPORTED
        handler = {
            (0x00, 0xA4): self._select,
            (0x00, 0xB0): self._read_binary,
            (0x00, 0x20): self._verify,
            (0x80, 0x2A): self._compute_digital_signature,
            (0x00, 0x2C): self._reset_retry_counter,
        }.get((command.cla, command.ins))
        if handler is None:
            return SW_INS_NOT_SUPPORTED
        return handler(command)

    def _select(self, command: Apdu) -> bytes:
        if command.p1 == 0x04 and command.p2 == 0x0C:
            self.reset()  # selecting any application ends the previous one's security state
            if command.data != JPKI_USER_AUTH_AID:
                return SW_FILE_NOT_FOUND
            self._application_selected = True
            return SW_OK
        if command.p1 == 0x02 and command.p2 == 0x0C:
            if len(command.data) != 2:
                return SW_WRONG_LENGTH
            fid = int.from_bytes(command.data, "big")
            if not self._application_selected or fid not in _KNOWN_EFS:
                return SW_FILE_NOT_FOUND
            if fid == EF_SIGNATURE_PIN and self.signature_pin is None:
                return SW_FILE_NOT_FOUND
            self._current_ef = fid
            return SW_OK
        return SW_WRONG_P1P2

    def _read_binary(self, command: Apdu) -> bytes:
        if command.data or command.le is None:
            return SW_WRONG_LENGTH
        if command.p1 & 0x80:  # short EF identifiers are not supported
            return SW_WRONG_P1P2
        if self._current_ef is None:
            return SW_NO_CURRENT_EF
        contents = {EF_CERTIFICATE: self.certificate, EF_CA_CERTIFICATE: self.ca_certificate}
        if self._current_ef not in contents:
            return SW_SECURITY_NOT_SATISFIED
        offset = (command.p1 << 8) | command.p2
        content = contents[self._current_ef]
        if offset >= len(content):
            return SW_OFFSET_OUTSIDE_EF
        length = command.le or 256
        return content[offset : offset + length] + SW_OK

    def _verify(self, command: Apdu) -> bytes:
        if (command.p1, command.p2) != (0x00, 0x80):
            return SW_WRONG_P1P2
        if self._current_ef == EF_SIGNATURE_PIN and self.signature_pin is not None:
            status, changed = self.signature_pin.verify(command.data)
            if changed:
                self._write_back_tries()
            return status
        if self._current_ef != EF_PIN:
            return SW_NO_CURRENT_EF
        if self.tries_left <= 0:
            return SW_PIN_BLOCKED
        if not command.data:
            return SW_OK if self._pin_verified else _tries_left_status(self.tries_left)
        if hmac.compare_digest(command.data, self._pin.encode("ascii")):
            self.tries_left = MAX_PIN_TRIES
            self._pin_verified = True
        else:
            self.tries_left -= 1
            self._pin_verified = False
        self._write_back_tries()
        if self._pin_verified:
            return SW_OK
        return SW_PIN_BLOCKED if self.tries_left == 0 else _tries_left_status(self.tries_left)

    def _compute_digital_signature(self, command: Apdu) -> bytes:
        if (command.p1, command.p2) != (0x00, 0x80):
            return SW_WRONG_P1P2
        if not command.data:
            return SW_WRONG_LENGTH
        if self._current_ef != EF_PRIVATE_KEY or not self._pin_verified:
            return SW_SECURITY_NOT_SATISFIED
        parsed = parse_digest_info(command.data)
        if parsed is None:
            return SW_WRONG_DATA
        algorithm, digest = parsed
        signature = self._private_key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algorithm))
        return signature + SW_OK

    def _reset_retry_counter(self, command: Apdu) -> bytes:
        """A new user PIN and a full counter, once the signature PIN is verified (signature_pin)."""
        if (command.p1, command.p2) != (0x02, 0x80):
            return SW_WRONG_P1P2
        if self._current_ef != EF_PIN:
            return SW_NO_CURRENT_EF
        if not is_user_pin(command.data):
            return SW_WRONG_DATA
        if self.signature_pin is None or not self.signature_pin.spend():
            return SW_SECURITY_NOT_SATISFIED
        self._pin, self.tries_left = command.data.decode("ascii"), MAX_PIN_TRIES
        self._pin_verified = False
        self._write_back_tries()
        return SW_OK

    def _write_back_tries(self) -> None:
        if self._path is not None:
            self.save(self._path)

    def _as_document(self) -> dict[str, object]:
        private_key_pem = self._private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return {
            "format": CARD_FILE_FORMAT,
            "label": self.label,
            "pin": self._pin,
            "tries_left": self.tries_left,
            "certificate": base64.b64encode(self.certificate).decode("ascii"),
            "ca_certificate": base64.b64encode(self.ca_certificate).decode("ascii"),
            "private_key": private_key_pem.decode("ascii"),
        } | signature_pin_fields(self.signature_pin)


def _tries_left_status(tries_left: int) -> bytes:
    return bytes([0x63, 0xC0 | tries_left])


def _der(certificate: x509.Certificate | bytes) -> bytes:
    if isinstance(certificate, x509.Certificate):
        return certificate.public_bytes(serialization.Encoding.DER)
    return bytes(certificate)


def _write_atomically(path: Path, text: str) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

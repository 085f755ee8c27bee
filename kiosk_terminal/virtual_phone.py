"""A virtual smartphone held to the reader: the JPKI smartphone applet, Android or iPhone.

kofu's design (the real applet's interface is not public), beside the card's (DOMAIN §8):
- SELECT by name ``00 A4 04 0C 0B <PHONE_AID>``; EFs as the card's (000A certificate,
  000B CA certificate, 0017 key, 0018 PIN — Android only).
- GET DATA ``80 CA 01 01 00``: one byte, how the holder is checked: 01 the PIN typed on the
  kiosk, checked here (Android); 02 the phone's own biometric check (iPhone, Face ID).
- VERIFY as the card's (Android; an iPhone answers 6A82: it has no PIN).
- COMPUTE DIGITAL SIGNATURE ``80 2A 00 80 <Lc> <SHA-256 DigestInfo of the challenge> 00``
  after selecting EF 0017: the phone checks its holder (PIN verified, or Face ID now), then
  answers ``<report byte> <RSA PKCS#1 v1.5 SHA-256 signature over
  "kofu-phone-auth/1\\n" || report || challenge digest>`` — the report under the signature,
  so the kiosk cannot change it. Face ID failing answers 6982.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kiosk_terminal.virtual_card import (
    EF_PRIVATE_KEY,
    SW_CLA_NOT_SUPPORTED,
    SW_FILE_NOT_FOUND,
    SW_OK,
    SW_SECURITY_NOT_SATISFIED,
    SW_WRONG_DATA,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    Apdu,
    VirtualCard,
    _der,
    parse_apdu,
    parse_digest_info,
)

PHONE_FILE_FORMAT = "kofu-virtual-phone/1"
# A proprietary, unregistered AID (ISO/IEC 7816-5: first nibble F): "kofu-phone".
PHONE_AID = bytes.fromhex("F06B6F66752D70686F6E65")
PHONE_CONTEXT = b"kofu-phone-auth/1"
PIN_ON_KIOSK, BIOMETRIC_ON_DEVICE = 0x01, 0x02
REPORTS = {"android": PIN_ON_KIOSK, "iphone": BIOMETRIC_ON_DEVICE}


class VirtualPhone(VirtualCard):
    """One phone: the card's files and counters, its platform, and (iPhone) its Face ID.

    ``face_matches`` is whether the face the phone sees is its owner's (tests hand the
    phone to someone else by setting it False).
    """

    def __init__(self, *, platform: str, face_matches: bool = True, **card: object) -> None:
        if platform not in REPORTS:
            raise ValueError("a phone is android or iphone")
        self.platform = platform
        self.face_matches = face_matches
        super().__init__(**card)  # type: ignore[arg-type]

    @classmethod
    def issue_phone(
        cls,
        certificate: x509.Certificate | bytes,
        ca_certificate: x509.Certificate | bytes,
        private_key: rsa.RSAPrivateKey,
        platform: str,
        label: str,
        pin: str = "0000",
    ) -> VirtualPhone:
        """A phone holding this key pair; ``pin`` is the Android certificate's own 4 digits."""
        if not (len(pin) == 4 and pin.isascii() and pin.isdigit()):
            raise ValueError("the smartphone certificate's PIN is 4 ASCII digits")
        return cls(
            platform=platform,
            certificate=_der(certificate),
            ca_certificate=_der(ca_certificate),
            private_key=private_key,
            pin=pin,
            label=label,
        )

    @classmethod
    def load(cls, path: Path | str) -> VirtualPhone:
        path = Path(path)
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != PHONE_FILE_FORMAT:
            raise ValueError(f"{path} is not a {PHONE_FILE_FORMAT} phone file")
        key = serialization.load_pem_private_key(document["private_key"].encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path}: the phone's key must be RSA")
        return cls(
            platform=document["platform"],
            face_matches=bool(document.get("face_matches", True)),
            certificate=base64.b64decode(document["certificate"]),
            ca_certificate=base64.b64decode(document["ca_certificate"]),
            private_key=key,
            pin=document["pin"],
            tries_left=int(document["tries_left"]),
            label=document.get("label", ""),
            path=path,
        )

    def transmit(self, apdu: bytes) -> bytes:
        command = parse_apdu(apdu)
        if command is None:
            return SW_WRONG_LENGTH
        if command.cla not in (0x00, 0x80):
            return SW_CLA_NOT_SUPPORTED
        if (command.cla, command.ins) == (0x00, 0xA4) and command.p1 == 0x04:
            return self._select_phone(command)
        if (command.cla, command.ins) == (0x80, 0xCA):
            return self._get_data(command)
        if (command.cla, command.ins) == (0x00, 0x20) and self.platform == "iphone":
            return SW_FILE_NOT_FOUND  # no PIN: Face ID on the phone instead
        if (command.cla, command.ins) == (0x80, 0x2A):
            return self._sign_with_report(command)
        return super().transmit(apdu)

    def _select_phone(self, command: Apdu) -> bytes:
        if command.p2 != 0x0C:
            return SW_WRONG_P1P2
        self.reset()
        if command.data != PHONE_AID:
            return SW_FILE_NOT_FOUND  # not the card's AID: a phone is not a card
        self._application_selected = True
        return SW_OK

    def _get_data(self, command: Apdu) -> bytes:
        if (command.p1, command.p2) != (0x01, 0x01):
            return SW_WRONG_P1P2
        if not self._application_selected:
            return SW_FILE_NOT_FOUND
        return bytes([REPORTS[self.platform]]) + SW_OK

    def _sign_with_report(self, command: Apdu) -> bytes:
        if (command.p1, command.p2) != (0x00, 0x80):
            return SW_WRONG_P1P2
        if self._current_ef != EF_PRIVATE_KEY:
            return SW_SECURITY_NOT_SATISFIED
        checked = self.face_matches if self.platform == "iphone" else self._pin_verified
        if not checked:
            return SW_SECURITY_NOT_SATISFIED
        parsed = parse_digest_info(command.data)
        if parsed is None or not isinstance(parsed[0], hashes.SHA256):
            return SW_WRONG_DATA
        report = bytes([REPORTS[self.platform]])
        signed = PHONE_CONTEXT + b"\n" + report + parsed[1]
        if not isinstance(self._private_key, rsa.RSAPrivateKey):  # phones hold RSA-2048 keys
            return SW_WRONG_DATA
        signature = self._private_key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        return report + signature + SW_OK

    def _as_document(self) -> dict[str, object]:
        document = super()._as_document()
        document.update(
            format=PHONE_FILE_FORMAT, platform=self.platform, face_matches=self.face_matches
        )
        return document


def load_credential(path: Path | str) -> VirtualCard:
    """A card or phone file, by its format: what the vicc puts in the reader."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document.get("format") == PHONE_FILE_FORMAT:
        return VirtualPhone.load(path)
    return VirtualCard.load(path)


__all__ = ["PHONE_AID", "VirtualPhone", "load_credential"]

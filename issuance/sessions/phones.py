"""Smartphone certificates (スマホ用電子証明書): which credential signed in, and how it was checked.

A phone's user-authentication certificate comes from JPKI's smartphone CA (under the same
root as the card's CA). It names its platform in a certificate policy and carries the serial
of the card certificate it was issued from (kofu's stand-in for J-LIS's own link, whose
format is not public). The phone answers the challenge with a one-byte report of how its
holder was checked — the PIN the kiosk passed to its secure element (Android), or the
phone's own biometric check (iPhone, Face ID) — signed together with the challenge, as a
WebAuthn authenticator signs its user-verified flag. A report that contradicts the
certificate is refused: a phone cannot claim to be what its CA did not certify.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import ObjectIdentifier

from issuance.errors import CardAuthError
from issuance.sessions.jpki import TrustStore, verify_card_certificate, verify_card_signature

# A UUID arc (ITU-T X.667, 2.25.<uuid>) of kofu's own: these OIDs are the protocol's, not J-LIS's.
_ARC = "2.25.182876627400343894269659622682557157172"
LINKED_CARD_SERIAL = ObjectIdentifier(f"{_ARC}.1")  # extension: INTEGER, the card cert's serial
ANDROID_POLICY = ObjectIdentifier(f"{_ARC}.2.1")
IPHONE_POLICY = ObjectIdentifier(f"{_ARC}.2.2")
PHONE_CONTEXT = b"kofu-phone-auth/1"


class Credential(enum.StrEnum):
    """What signed in: the card itself, or a smartphone certificate issued from it."""

    CARD = "card"
    ANDROID = "android"
    IPHONE = "iphone"


class AuthMethod(enum.StrEnum):
    PIN_ON_KIOSK = "pin_on_kiosk"  # the 4-digit PIN typed on the kiosk, checked by the chip
    BIOMETRIC_ON_DEVICE = "biometric_on_device"  # Face ID on the iPhone; no PIN at the kiosk


# The device report's byte (the phone applet's, kiosk_terminal/virtual_phone.py) -> method.
REPORTED_METHODS = {0x01: AuthMethod.PIN_ON_KIOSK, 0x02: AuthMethod.BIOMETRIC_ON_DEVICE}
# What each credential's certificate allows (DOMAIN §9): no biometric but the iPhone's.
ALLOWED_METHOD = {
    Credential.CARD: AuthMethod.PIN_ON_KIOSK,
    Credential.ANDROID: AuthMethod.PIN_ON_KIOSK,
    Credential.IPHONE: AuthMethod.BIOMETRIC_ON_DEVICE,
}
_PLATFORMS = {ANDROID_POLICY: Credential.ANDROID, IPHONE_POLICY: Credential.IPHONE}

_MESSAGES: dict[str, tuple[str, str]] = {
    "PHONE_CERT_REVOKED": (
        "スマートフォンの電子証明書は失効しています（紛失の届出など）。"
        "マイナンバーカードでご利用いただくか、スマートフォンに電子証明書を設定し直してください。",
        "The phone's certificate has been revoked (reported lost, for example). Use your My "
        "Number Card, or set the certificate up on your phone again.",
    ),
    "PHONE_CARD_REISSUED": (
        "スマートフォンの電子証明書は、その後に再発行されたマイナンバーカードのものです。"
        "新しいカードからスマートフォンに電子証明書を設定し直してください。",
        "The phone's certificate belongs to a card that has since been reissued. Set the "
        "certificate up on your phone again from your new card.",
    ),
    "PHONE_CARD_REVOKED": (
        "マイナンバーカードの電子証明書が失効したため、スマートフォンの電子証明書も"
        "ご利用いただけません。窓口でお問い合わせください。",
        "The card's certificate was revoked, so the phone's certificate issued from it can no "
        "longer be used. Please ask at the counter.",
    ),
    "PHONE_CERT_EXPIRED": (
        "スマートフォンの電子証明書は有効期限が切れています。スマートフォンで更新してください。",
        "The phone's certificate has expired. Please renew it on your phone.",
    ),
    "PHONE_CERT_UNTRUSTED": (
        "スマートフォンの電子証明書が公的個人認証サービスのものと確認できませんでした。",
        "The phone's certificate was not issued by the JPKI.",
    ),
    "AUTH_METHOD_MISMATCH": (
        "本人確認の方法が電子証明書の種類と合いません。もう一度最初からお試しください。",
        "The way you were verified does not match the kind of certificate. Please start again.",
    ),
}
# The card's refusals, said of the phone's certificate instead.
_AS_PHONE = {
    "CERT_REVOKED": "PHONE_CERT_REVOKED",
    "CERT_EXPIRED": "PHONE_CERT_EXPIRED",
    "CERT_UNTRUSTED": "PHONE_CERT_UNTRUSTED",
}


def _refusal(code: str) -> CardAuthError:
    message_ja, message_en = _MESSAGES[code]
    return CardAuthError(code=code, message_ja=message_ja, message_en=message_en)


@dataclass(frozen=True)
class Presented:
    """A certificate the centre accepts now, and which credential it is."""

    credential: Credential
    certificate: x509.Certificate


def verify_credential(certificate_der: bytes, trust: TrustStore, now: datetime) -> Presented:
    """The card's or a phone's user-authentication certificate, if accepted at ``now``.

    Told apart by issuer. A phone's: the smartphone CA's chain and validity, its platform,
    its card (PHONE_CARD_REISSUED if the card's certificate was revoked as superseded,
    PHONE_CARD_REVOKED otherwise: checked in the card CRL, so a phone is refused as soon as
    its card is, whatever the smartphone CRL says yet), then its own revocation
    (PHONE_CERT_REVOKED). Raises CardAuthError; a card's codes as verify_card_certificate.
    """
    certificate = trust.examine(certificate_der).certificate  # CERT_MALFORMED
    phones = trust.smartphone
    if phones is None or certificate.issuer != phones.user_auth_ca.subject:
        return Presented(Credential.CARD, verify_card_certificate(certificate_der, trust, now))
    if not phones.examine(certificate_der).signed_by_ca:
        raise _refusal("PHONE_CERT_UNTRUSTED")
    credential = _platform(certificate)
    card_serial = _linked_card_serial(certificate)
    revocations = trust.card_revocations()  # REVOCATION_UNAVAILABLE
    if any(card_serial in r.superseded for r in revocations):
        raise _refusal("PHONE_CARD_REISSUED")
    if any(card_serial in r.serials for r in revocations):
        raise _refusal("PHONE_CARD_REVOKED")
    try:
        verify_card_certificate(certificate_der, phones, now)
    except CardAuthError as error:
        if error.code in _AS_PHONE:
            raise _refusal(_AS_PHONE[error.code]) from error
        raise
    return Presented(credential, certificate)


def phone_signed_message(challenge_message: bytes, report: bytes) -> bytes:
    """What a phone signs: its report bound to the challenge's SHA-256."""
    return PHONE_CONTEXT + b"\n" + report + hashlib.sha256(challenge_message).digest()


def verify_answer(
    presented: Presented, challenge_message: bytes, signature: bytes, report: bytes | None
) -> AuthMethod:
    """The signature over the challenge, and how the holder was checked.

    A card signs the challenge itself and reports nothing (the PIN was typed on the kiosk).
    A phone signs ``phone_signed_message`` with its one-byte report; the reported method
    must be its certificate's (ALLOWED_METHOD). Raises CardAuthError SIGNATURE_INVALID or
    AUTH_METHOD_MISMATCH.
    """
    if presented.credential is Credential.CARD:
        if report:
            raise _refusal("AUTH_METHOD_MISMATCH")
        verify_card_signature(presented.certificate, challenge_message, signature)
        return AuthMethod.PIN_ON_KIOSK
    if not report or len(report) != 1 or report[0] not in REPORTED_METHODS:
        raise _refusal("AUTH_METHOD_MISMATCH")
    signed = phone_signed_message(challenge_message, report)
    verify_card_signature(presented.certificate, signed, signature)
    method = REPORTED_METHODS[report[0]]
    if method is not ALLOWED_METHOD[presented.credential]:
        raise _refusal("AUTH_METHOD_MISMATCH")
    return method


def _platform(certificate: x509.Certificate) -> Credential:
    try:
        policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies)
    except (x509.ExtensionNotFound, ValueError) as error:
        raise _refusal("PHONE_CERT_UNTRUSTED") from error
    found = {
        _PLATFORMS[p.policy_identifier] for p in policies.value if p.policy_identifier in _PLATFORMS
    }
    if len(found) != 1:
        raise _refusal("PHONE_CERT_UNTRUSTED")
    return found.pop()


def _linked_card_serial(certificate: x509.Certificate) -> int:
    try:
        value = certificate.extensions.get_extension_for_oid(LINKED_CARD_SERIAL).value
    except (x509.ExtensionNotFound, ValueError) as error:
        raise _refusal("PHONE_CERT_UNTRUSTED") from error
    raw = value.value if isinstance(value, x509.UnrecognizedExtension) else b""
    serial = decode_der_integer(raw)
    if serial is None:
        raise _refusal("PHONE_CERT_UNTRUSTED")
    return serial


def encode_der_integer(value: int) -> bytes:
    """A non-negative INTEGER in DER (the linked card serial's encoding)."""
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")
    if len(body) > 127:
        raise ValueError("too long for this encoder")
    return bytes([0x02, len(body)]) + body


def decode_der_integer(raw: bytes) -> int | None:
    """The non-negative INTEGER of ``encode_der_integer``; None for anything else."""
    if len(raw) < 3 or raw[0] != 0x02 or raw[1] != len(raw) - 2 or raw[1] > 127:
        return None
    if raw[2] & 0x80:
        return None
    return int.from_bytes(raw[2:], "big")

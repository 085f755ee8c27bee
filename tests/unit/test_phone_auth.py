"""The centre's check of a smartphone certificate and of the phone's signed report."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from demo.jpki import TestJpki
from demo.jpki_phone import SmartphoneCa, revoke_card
from issuance.errors import CardAuthError
from issuance.sessions.jpki import TrustStore
from issuance.sessions.phones import (
    AuthMethod,
    Credential,
    decode_der_integer,
    encode_der_integer,
    phone_signed_message,
    verify_answer,
    verify_credential,
)

CHALLENGE = b"kofu-kiosk-auth/1\nK0001\nsession\nnonce"


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestJpki, SmartphoneCa]:
    jpki = TestJpki.create(tmp_path_factory.mktemp("jpki"))
    return jpki, SmartphoneCa.open_or_create(jpki)


def trust(directory: Path, phones: bool = True) -> TrustStore:
    store = TrustStore.from_files(
        directory / "root.pem", directory / "ca.pem", directory / "crl.der"
    )
    if phones:
        store.smartphone = TrustStore.from_files(
            directory / "root.pem", directory / "phone-ca.pem", directory / "phone-crl.der"
        )
    return store


def refused(code: str, action) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CardAuthError) as caught:
        action()
    assert caught.value.code == code


def phone_answer(key, report: bytes) -> bytes:  # type: ignore[no-untyped-def]
    signed = phone_signed_message(CHALLENGE, report)
    return key.sign(signed, padding.PKCS1v15(), hashes.SHA256())


def der(certificate: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return certificate.public_bytes(Encoding.DER)


@pytest.mark.parametrize(
    ("platform", "report", "method"),
    [
        (Credential.ANDROID, b"\x01", AuthMethod.PIN_ON_KIOSK),
        (Credential.IPHONE, b"\x02", AuthMethod.BIOMETRIC_ON_DEVICE),
    ],
)
def test_each_phone_is_known_by_its_certificate_and_answers_with_its_own_method(
    authority: tuple[TestJpki, SmartphoneCa],
    platform: Credential,
    report: bytes,
    method: AuthMethod,
) -> None:
    jpki, smartphone = authority
    card, _ = jpki.issue_user_certificate()
    phone, key = smartphone.issue_phone_certificate(card, platform)
    presented = verify_credential(der(phone), trust(jpki.directory), datetime.now(UTC))
    assert presented.credential is platform
    assert verify_answer(presented, CHALLENGE, phone_answer(key, report), report) is method
    other = bytes([3 - report[0]])  # the other method, signed all the same
    refused(
        "AUTH_METHOD_MISMATCH",
        lambda: verify_answer(presented, CHALLENGE, phone_answer(key, other), other),
    )
    refused("AUTH_METHOD_MISMATCH", lambda: verify_answer(presented, CHALLENGE, b"x", None))


def test_a_card_certificate_cannot_claim_a_biometric_check(
    authority: tuple[TestJpki, SmartphoneCa],
) -> None:
    """A key certified by the card CA, in a device that reports Face ID: still a card."""
    jpki, _ = authority
    card, key = jpki.issue_user_certificate()
    presented = verify_credential(der(card), trust(jpki.directory), datetime.now(UTC))
    assert presented.credential is Credential.CARD
    answer = phone_answer(key, b"\x02")
    refused("AUTH_METHOD_MISMATCH", lambda: verify_answer(presented, CHALLENGE, answer, b"\x02"))
    plain = key.sign(CHALLENGE, padding.PKCS1v15(), hashes.SHA256())
    assert verify_answer(presented, CHALLENGE, plain, None) is AuthMethod.PIN_ON_KIOSK


def test_a_centre_without_the_smartphone_ca_refuses_phones(
    authority: tuple[TestJpki, SmartphoneCa],
) -> None:
    jpki, smartphone = authority
    card, _ = jpki.issue_user_certificate()
    phone, _ = smartphone.issue_phone_certificate(card, Credential.IPHONE)
    cards_only = trust(jpki.directory, phones=False)
    refused("CERT_UNTRUSTED", lambda: verify_credential(der(phone), cards_only, datetime.now(UTC)))


def test_the_card_is_checked_before_the_phone_and_a_lost_phone_alone(
    authority: tuple[TestJpki, SmartphoneCa],
) -> None:
    jpki, smartphone = authority
    now = datetime.now(UTC)
    card, _ = jpki.issue_user_certificate()
    lost, _ = smartphone.issue_phone_certificate(card, Credential.IPHONE)
    kept, _ = smartphone.issue_phone_certificate(card, Credential.ANDROID)
    smartphone.revoke(lost.serial_number)
    refused("PHONE_CERT_REVOKED", lambda: verify_credential(der(lost), trust(jpki.directory), now))
    assert verify_credential(der(kept), trust(jpki.directory), now).credential is Credential.ANDROID
    assert verify_credential(der(card), trust(jpki.directory), now).credential is Credential.CARD
    assert sorted(revoke_card(jpki, card.serial_number)) == sorted(
        [lost.serial_number, kept.serial_number]
    )
    refused("PHONE_CARD_REVOKED", lambda: verify_credential(der(kept), trust(jpki.directory), now))


def test_the_linked_serial_survives_its_encoding() -> None:
    for serial in (1, 127, 128, 255, 2**159 - 1):
        assert decode_der_integer(encode_der_integer(serial)) == serial
    assert decode_der_integer(b"\x02\x01\x80") is None  # negative
    assert decode_der_integer(b"\x04\x01\x01") is None  # not an INTEGER
    assert decode_der_integer(hashlib.sha256(b"x").digest()) is None

"""The centre accepts a card only with a trusted, valid, unrevoked certificate and its signature."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from demo.jpki import TestJpki
from issuance.errors import CardAuthError
from issuance.sessions.jpki import (
    TrustStore,
    certificate_fingerprint,
    verify_card_certificate,
    verify_card_signature,
)
from kiosk_terminal.jpki import JpkiCard
from kiosk_terminal.virtual_card import VirtualCard

PIN = "1234"
CHALLENGE = b"kofu challenge 0001"


def der(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def jpki(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("jpki"))


@pytest.fixture(scope="module")
def other_jpki(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("other-jpki"))


@pytest.fixture(scope="module")
def issued(jpki: TestJpki):
    return jpki.issue_user_certificate()


@pytest.fixture
def trust(jpki: TestJpki) -> TrustStore:
    return TrustStore.from_files(jpki.root_path, jpki.ca_path, jpki.crl_path)


@pytest.fixture
def card(jpki: TestJpki, issued) -> JpkiCard:
    certificate, key = issued
    jpki_card = JpkiCard(VirtualCard.issue(certificate, jpki.ca_certificate, key, PIN, "e2e"))
    jpki_card.select_application()
    return jpki_card


def refusal_code(call, *args) -> str:
    with pytest.raises(CardAuthError) as raised:
        call(*args)
    return raised.value.code


def test_a_card_signature_verifies_end_to_end(card: JpkiCard, trust: TrustStore) -> None:
    certificate_der = card.read_user_certificate()
    card.verify_pin(PIN)
    signature = card.sign_sha256(CHALLENGE)
    certificate = verify_card_certificate(certificate_der, trust, now())
    verify_card_signature(certificate, CHALLENGE, signature)


def test_a_tampered_message_fails_the_signature_check(card: JpkiCard, issued) -> None:
    card.verify_pin(PIN)
    signature = card.sign_sha256(CHALLENGE)
    code = refusal_code(verify_card_signature, issued[0], CHALLENGE + b"!", signature)
    assert code == "SIGNATURE_INVALID"


def test_a_tampered_signature_fails_the_signature_check(card: JpkiCard, issued) -> None:
    card.verify_pin(PIN)
    signature = bytearray(card.sign_sha256(CHALLENGE))
    signature[10] ^= 0x01
    code = refusal_code(verify_card_signature, issued[0], CHALLENGE, bytes(signature))
    assert code == "SIGNATURE_INVALID"


def test_garbage_is_a_malformed_certificate(trust: TrustStore) -> None:
    assert refusal_code(verify_card_certificate, b"\x30\x03abc", trust, now()) == "CERT_MALFORMED"


def test_a_certificate_from_another_authority_is_untrusted(other_jpki, trust) -> None:
    certificate, _ = other_jpki.issue_user_certificate()
    code = refusal_code(verify_card_certificate, der(certificate), trust, now())
    assert code == "CERT_UNTRUSTED"


def test_checked_again_later_a_certificate_is_judged_at_that_time(jpki, other_jpki, trust) -> None:
    """The process keeps what never changes (the CA's signature), never the verdict."""
    certificate, _ = jpki.issue_user_certificate(not_before=now() - timedelta(hours=1), days=1)
    assert verify_card_certificate(der(certificate), trust, now()) is not None
    later = now() + timedelta(days=2)
    assert refusal_code(verify_card_certificate, der(certificate), trust, later) == "CERT_EXPIRED"
    forged, _ = other_jpki.issue_user_certificate()
    for _ in range(2):
        assert refusal_code(verify_card_certificate, der(forged), trust, now()) == (
            "CERT_UNTRUSTED"
        )


def test_an_expired_certificate_is_refused(jpki: TestJpki, trust: TrustStore) -> None:
    certificate, _ = jpki.issue_user_certificate(not_before=now() - timedelta(days=3), days=1)
    code = refusal_code(verify_card_certificate, der(certificate), trust, now())
    assert code == "CERT_EXPIRED"


def test_a_certificate_is_not_valid_before_its_start(jpki: TestJpki, trust: TrustStore) -> None:
    certificate, _ = jpki.issue_user_certificate(not_before=now() + timedelta(hours=12))
    code = refusal_code(verify_card_certificate, der(certificate), trust, now())
    assert code == "CERT_NOT_YET_VALID"


def test_expired_and_revoked_tell_the_resident_to_ask_at_the_counter(jpki, trust) -> None:
    certificate, _ = jpki.issue_user_certificate(not_before=now() - timedelta(days=3), days=1)
    with pytest.raises(CardAuthError) as raised:
        verify_card_certificate(der(certificate), trust, now())
    assert "no longer valid" in raised.value.message_en
    assert "窓口" in raised.value.message_ja


def test_revoking_a_certificate_reaches_a_running_trust_store(jpki: TestJpki) -> None:
    certificate, _ = jpki.issue_user_certificate()
    trust = TrustStore.from_files(jpki.root_path, jpki.ca_path, jpki.crl_path)
    verify_card_certificate(der(certificate), trust, now())
    previous_mtime = jpki.crl_path.stat().st_mtime_ns
    jpki.revoke(certificate.serial_number)
    later = previous_mtime + 2_000_000_000
    os.utime(jpki.crl_path, ns=(later, later))
    code = refusal_code(verify_card_certificate, der(certificate), trust, now())
    assert code == "CERT_REVOKED"


def test_the_revoked_list_survives_reloading_the_authority(jpki: TestJpki, trust) -> None:
    certificate, _ = jpki.issue_user_certificate()
    jpki.revoke(certificate.serial_number)
    TestJpki.load(jpki.directory).publish_crl()
    code = refusal_code(verify_card_certificate, der(certificate), trust, now())
    assert code == "CERT_REVOKED"


def test_a_stale_crl_fails_closed(issued, trust: TrustStore) -> None:
    two_days_later = now() + timedelta(days=2)
    code = refusal_code(verify_card_certificate, der(issued[0]), trust, two_days_later)
    assert code == "REVOCATION_UNAVAILABLE"


def test_a_crl_signed_by_someone_else_fails_closed(jpki, other_jpki, issued, tmp_path) -> None:
    crl_path = tmp_path / "crl.der"
    shutil.copy(other_jpki.crl_path, crl_path)
    trust = TrustStore.from_files(jpki.root_path, jpki.ca_path, crl_path)
    code = refusal_code(verify_card_certificate, der(issued[0]), trust, now())
    assert code == "REVOCATION_UNAVAILABLE"


def test_a_corrupt_or_missing_crl_fails_closed(jpki, issued, tmp_path) -> None:
    crl_path = tmp_path / "crl.der"
    crl_path.write_bytes(b"not a crl")
    trust = TrustStore.from_files(jpki.root_path, jpki.ca_path, crl_path)
    assert refusal_code(verify_card_certificate, der(issued[0]), trust, now()) == (
        "REVOCATION_UNAVAILABLE"
    )
    crl_path.unlink()
    assert refusal_code(verify_card_certificate, der(issued[0]), trust, now()) == (
        "REVOCATION_UNAVAILABLE"
    )


def test_each_refusal_has_its_own_message(jpki, other_jpki, trust) -> None:
    expired, _ = jpki.issue_user_certificate(not_before=now() - timedelta(days=3), days=1)
    foreign, _ = other_jpki.issue_user_certificate()
    errors = []
    for certificate_der in (b"junk", der(expired), der(foreign)):
        with pytest.raises(CardAuthError) as raised:
            verify_card_certificate(certificate_der, trust, now())
        errors.append(raised.value)
    assert len({error.message_en for error in errors}) == 3
    assert len({error.message_ja for error in errors}) == 3


def test_the_fingerprint_is_the_sha256_of_the_der(issued) -> None:
    fingerprint = certificate_fingerprint(der(issued[0]))
    assert len(fingerprint) == 64
    assert fingerprint == certificate_fingerprint(der(issued[0]))
    assert fingerprint != certificate_fingerprint(der(issued[0]) + b"\x00")

"""Today's RSA-2048 card and the next-generation P-384 card are verified side by side, and a
signature or certificate of one generation never passes for the other."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from demo.jpki import TestJpki
from issuance.errors import CardAuthError
from issuance.sessions.jpki import (
    Hierarchy,
    TrustStore,
    card_generation,
    verify_card_certificate,
    verify_card_signature,
)
from issuance.sessions.signature_schemes import CardGeneration
from kiosk_terminal.jpki import CardStatusError, JpkiCard
from kiosk_terminal.virtual_card import VirtualCard

P384 = CardGeneration.P384
PIN = "1234"
CHALLENGE = b"kofu-kiosk-auth/1\nK0001\nsession\nnonce"


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def authorities(tmp_path_factory: pytest.TempPathFactory) -> dict[CardGeneration, TestJpki]:
    """Both generations' test JPKI in one directory, as `kofu demo load` writes them."""
    directory = tmp_path_factory.mktemp("jpki-both")
    return {generation: TestJpki.create(directory, generation) for generation in CardGeneration}


@pytest.fixture(scope="module")
def untrusted_p384(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("jpki-other-p384"), P384)


@pytest.fixture
def trust(authorities: dict[CardGeneration, TestJpki]) -> TrustStore:
    return TrustStore.from_directory(authorities[P384].directory)


def new_card(jpki: TestJpki) -> tuple[JpkiCard, bytes]:
    """A card of ``jpki``'s generation, selected and PIN-verified, and its certificate."""
    certificate, key = jpki.issue_user_certificate()
    card = JpkiCard(VirtualCard.issue(certificate, jpki.ca_certificate, key, PIN, "gen"))
    card.select_application()
    certificate_der = card.read_user_certificate()
    card.verify_pin(PIN)
    return card, certificate_der


def refusal_code(call, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(CardAuthError) as raised:
        call(*args)
    return raised.value.code


@pytest.mark.parametrize("generation", list(CardGeneration))
def test_each_generations_card_signs_in_with_the_kiosks_signature(
    authorities, trust: TrustStore, generation: CardGeneration
) -> None:
    card, certificate_der = new_card(authorities[generation])
    signature = card.sign_challenge(CHALLENGE, certificate_der)
    certificate = verify_card_certificate(certificate_der, trust, now())
    verify_card_signature(certificate, CHALLENGE, signature)
    assert card_generation(certificate) is generation
    assert len(signature) == (96 if generation is P384 else 256)


def test_the_p384_card_answers_raw_r_and_s_over_the_sha384_digest(authorities) -> None:
    card, certificate_der = new_card(authorities[P384])
    signature = card.sign_challenge(CHALLENGE, certificate_der)
    public_key = x509.load_der_x509_certificate(certificate_der).public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    r, s = int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
    public_key.verify(encode_dss_signature(r, s), CHALLENGE, ec.ECDSA(hashes.SHA384()))


def test_a_p384_certificate_is_valid_ten_years_and_signed_with_sha384(authorities) -> None:
    certificate, _ = authorities[P384].issue_user_certificate()
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=3652) <= lifetime <= timedelta(days=3653)
    assert isinstance(certificate.signature_hash_algorithm, hashes.SHA384)
    today, _ = authorities[CardGeneration.RSA2048].issue_user_certificate()
    assert today.not_valid_after_utc - today.not_valid_before_utc == timedelta(days=365 * 5)


def test_an_rsa_signature_claimed_by_a_p384_certificate_is_refused(authorities, trust) -> None:
    rsa_card, _ = new_card(authorities[CardGeneration.RSA2048])
    _, p384_der = new_card(authorities[P384])
    certificate = verify_card_certificate(p384_der, trust, now())
    rsa_signature = rsa_card.sign_sha256(CHALLENGE)
    code = refusal_code(verify_card_signature, certificate, CHALLENGE, rsa_signature)
    assert code == "SIGNATURE_SCHEME_MISMATCH"


def test_a_p384_signature_claimed_by_an_rsa_certificate_is_refused(authorities, trust) -> None:
    _, rsa_der = new_card(authorities[CardGeneration.RSA2048])
    p384_card, p384_der = new_card(authorities[P384])
    certificate = verify_card_certificate(rsa_der, trust, now())
    signature = p384_card.sign_challenge(CHALLENGE, p384_der)
    code = refusal_code(verify_card_signature, certificate, CHALLENGE, signature)
    assert code == "SIGNATURE_SCHEME_MISMATCH"


def test_a_p384_card_certificate_from_an_untrusted_ca_is_refused(untrusted_p384, trust) -> None:
    certificate, _ = untrusted_p384.issue_user_certificate()
    assert refusal_code(verify_card_certificate, der(certificate), trust, now()) == (
        "CERT_UNTRUSTED"
    )


def test_a_p384_card_certificate_signed_by_todays_rsa_ca_is_refused(authorities, trust) -> None:
    """Each generation's certificates chain to their own CA only."""
    rsa_jpki = authorities[CardGeneration.RSA2048]
    _, p384_key = authorities[P384].issue_user_certificate()
    start = now() - timedelta(hours=1)
    crossed = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "CROSSED")]))
        .issuer_name(rsa_jpki.ca_certificate.subject)
        .public_key(p384_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), True
        )
        .sign(rsa_jpki._ca_key, hashes.SHA256())  # noqa: SLF001  (the test authority's key)
    )
    assert refusal_code(verify_card_certificate, der(crossed), trust, now()) == "CERT_UNTRUSTED"


def test_a_p384_card_is_untrusted_where_the_centre_has_no_p384_hierarchy(authorities) -> None:
    rsa_jpki = authorities[CardGeneration.RSA2048]
    today_only = TrustStore.from_files(rsa_jpki.root_path, rsa_jpki.ca_path, rsa_jpki.crl_path)
    _, p384_der = new_card(authorities[P384])
    assert refusal_code(verify_card_certificate, p384_der, today_only, now()) == "CERT_UNTRUSTED"


def test_a_sha256_digest_signed_where_sha384_is_required_has_its_own_code(authorities, trust):  # type: ignore[no-untyped-def]
    """A kiosk that hashed with SHA-256 for a P-384 card: the card itself refuses the short
    digest (6A80), and a signature over it anyway is told apart from a forgery."""
    card, certificate_der = new_card(authorities[P384])
    with pytest.raises(CardStatusError) as raised:
        card.sign_digest_info(hashlib.sha256(CHALLENGE).digest())
    assert raised.value.status_word == "6A80"
    certificate, key = authorities[P384].issue_user_certificate()
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(key.sign(CHALLENGE, ec.ECDSA(hashes.SHA256())))
    over_sha256 = r.to_bytes(48, "big") + s.to_bytes(48, "big")
    code = refusal_code(verify_card_signature, certificate, CHALLENGE, over_sha256)
    assert code == "SIGNATURE_DIGEST_MISMATCH"


def test_todays_card_signing_sha384_where_sha256_is_required_has_the_same_code(authorities):  # type: ignore[no-untyped-def]
    certificate, key = authorities[CardGeneration.RSA2048].issue_user_certificate()
    signature = key.sign(CHALLENGE, padding.PKCS1v15(), hashes.SHA384())
    code = refusal_code(verify_card_signature, certificate, CHALLENGE, signature)
    assert code == "SIGNATURE_DIGEST_MISMATCH"


def test_a_tampered_p384_signature_or_message_is_invalid(authorities, trust) -> None:
    card, certificate_der = new_card(authorities[P384])
    certificate = verify_card_certificate(certificate_der, trust, now())
    signature = bytearray(card.sign_challenge(CHALLENGE, certificate_der))
    assert refusal_code(verify_card_signature, certificate, CHALLENGE + b"!", bytes(signature)) == (
        "SIGNATURE_INVALID"
    )
    signature[5] ^= 0x01
    code = refusal_code(verify_card_signature, certificate, CHALLENGE, bytes(signature))
    assert code == "SIGNATURE_INVALID"


def test_each_generation_is_revoked_by_its_own_crl(authorities, trust) -> None:
    p384_certificate, _ = authorities[P384].issue_user_certificate()
    rsa_certificate, _ = authorities[CardGeneration.RSA2048].issue_user_certificate()
    authorities[P384].revoke(p384_certificate.serial_number)
    assert refusal_code(verify_card_certificate, der(p384_certificate), trust, now()) == (
        "CERT_REVOKED"
    )
    assert verify_card_certificate(der(rsa_certificate), trust, now()) is not None


def test_a_p384_crl_past_its_next_update_refuses_only_p384_cards(authorities, trust) -> None:
    _, p384_der = new_card(authorities[P384])
    _, rsa_der = new_card(authorities[CardGeneration.RSA2048])
    authorities[P384].publish_crl(now() - timedelta(days=2))
    try:
        assert refusal_code(verify_card_certificate, p384_der, trust, now()) == (
            "REVOCATION_UNAVAILABLE"
        )
        assert verify_card_certificate(rsa_der, trust, now()) is not None
    finally:
        authorities[P384].publish_crl()


def test_the_p384_hierarchy_needs_a_p384_ca(authorities) -> None:
    rsa_jpki = authorities[CardGeneration.RSA2048]
    with pytest.raises(ValueError, match="p384"):
        Hierarchy(P384, rsa_jpki.root_certificate, rsa_jpki.ca_certificate, rsa_jpki.crl_path)

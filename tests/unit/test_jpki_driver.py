"""The kiosk's JPKI driver reads, verifies and signs through any card transport."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from demo.jpki import TestJpki
from kiosk_terminal.jpki import (
    CardStatusError,
    InvalidPinFormatError,
    JpkiCard,
    NotMyNumberCardError,
    PinLockedError,
    WrongPinError,
)
from kiosk_terminal.virtual_card import VirtualCard

PIN = "1234"


class RecordingTransport:
    """Passes APDUs to a card and keeps them, to see what the driver sent."""

    def __init__(self, card: VirtualCard) -> None:
        self.card = card
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        return self.card.transmit(apdu)


class TransitCard:
    """A card with no JPKI application: every SELECT is file-not-found."""

    def transmit(self, apdu: bytes) -> bytes:
        return bytes.fromhex("6A82")


@pytest.fixture(scope="module")
def jpki(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("jpki"))


@pytest.fixture(scope="module")
def issued(jpki: TestJpki):
    return jpki.issue_user_certificate()


@pytest.fixture
def virtual_card(jpki: TestJpki, issued) -> VirtualCard:
    certificate, key = issued
    return VirtualCard.issue(certificate, jpki.ca_certificate, key, PIN, "driver test")


@pytest.fixture
def transport(virtual_card: VirtualCard) -> RecordingTransport:
    return RecordingTransport(virtual_card)


@pytest.fixture
def card(transport: RecordingTransport) -> JpkiCard:
    jpki_card = JpkiCard(transport)
    jpki_card.select_application()
    return jpki_card


def test_the_certificate_read_through_the_driver_equals_the_issued_der(card, issued) -> None:
    assert card.read_user_certificate() == issued[0].public_bytes(serialization.Encoding.DER)


def test_the_certificate_is_read_in_chunks_of_at_most_255_bytes(card, transport) -> None:
    card.read_user_certificate()
    reads = [apdu for apdu in transport.sent if apdu[:2] == bytes.fromhex("00B0")]
    assert reads[0][4] == 4
    assert all(0 < apdu[4] <= 255 for apdu in reads)


def test_the_ca_certificate_reads_back(card, jpki: TestJpki) -> None:
    assert card.read_ca_certificate() == jpki.ca_certificate.public_bytes(
        serialization.Encoding.DER
    )


def test_a_card_without_the_jpki_application_is_not_a_my_number_card() -> None:
    with pytest.raises(NotMyNumberCardError) as raised:
        JpkiCard(TransitCard()).select_application()
    assert raised.value.code == "NOT_A_MYNUMBER_CARD"


def test_a_wrong_pin_reports_the_tries_left(card) -> None:
    with pytest.raises(WrongPinError) as raised:
        card.verify_pin("0000")
    assert raised.value.tries_left == 2
    assert raised.value.code == "WRONG_PIN"
    assert card.pin_tries_left() == 2


def test_the_entered_pin_never_appears_in_an_error(card) -> None:
    with pytest.raises(WrongPinError) as raised:
        card.verify_pin("0000")
    error = raised.value
    assert "0000" not in f"{error} {error.message_ja} {error.message_en}"


def test_three_wrong_pins_lock_the_card_even_for_the_right_pin(card) -> None:
    for _ in range(2):
        with pytest.raises(WrongPinError):
            card.verify_pin("0000")
    with pytest.raises(PinLockedError):
        card.verify_pin("0000")
    with pytest.raises(PinLockedError) as raised:
        card.verify_pin(PIN)
    assert raised.value.code == "PIN_LOCKED"
    assert card.pin_tries_left() == 0


def test_a_correct_pin_resets_the_counter(card) -> None:
    with pytest.raises(WrongPinError):
        card.verify_pin("0000")
    card.verify_pin(PIN)
    assert card.pin_tries_left() == 3


@pytest.mark.parametrize("pin", ["12a4", "12345", "123", "１２３４", ""])
def test_a_malformed_pin_is_refused_without_using_a_try(card, transport, pin) -> None:
    sent_before = len(transport.sent)
    with pytest.raises(InvalidPinFormatError) as raised:
        card.verify_pin(pin)
    assert raised.value.code == "PIN_FORMAT"
    assert len(transport.sent) == sent_before
    assert card.pin_tries_left() == 3


def test_signing_before_the_pin_is_refused_by_the_card(card) -> None:
    with pytest.raises(CardStatusError) as raised:
        card.sign_sha256(b"challenge")
    assert raised.value.status_word == "6982"


def test_signing_after_a_reset_is_refused_again(card, virtual_card: VirtualCard) -> None:
    card.verify_pin(PIN)
    virtual_card.reset()
    card.select_application()
    with pytest.raises(CardStatusError) as raised:
        card.sign_sha256(b"challenge")
    assert raised.value.status_word == "6982"


def test_sign_sha256_gives_a_signature_the_certificate_verifies(card, issued) -> None:
    card.verify_pin(PIN)
    signature = card.sign_sha256(b"challenge")
    public_key = issued[0].public_key()
    public_key.verify(signature, b"challenge", padding.PKCS1v15(), hashes.SHA256())


def test_sign_digest_info_signs_the_digest_info_as_given(card, issued) -> None:
    prefix = bytes.fromhex("3031300d060960864801650304020105000420")
    card.verify_pin(PIN)
    signature = card.sign_digest_info(prefix + hashlib.sha256(b"challenge").digest())
    public_key = issued[0].public_key()
    public_key.verify(signature, b"challenge", padding.PKCS1v15(), hashes.SHA256())

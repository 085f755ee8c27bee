"""A card's PIN reset over APDUs: signature password (5 tries), then RESET RETRY COUNTER."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.jpki import TestJpki
from kiosk_terminal.jpki import CardStatusError, WrongPinError
from kiosk_terminal.jpki_reset import (
    JpkiResetCard,
    NewPinFormatError,
    NoSignaturePinError,
    SignaturePinFormatError,
    SignaturePinLockedError,
    WrongSignaturePinError,
)
from kiosk_terminal.virtual_card import VirtualCard

PIN, PASSWORD = "1234", "ABC123XYZ"


@pytest.fixture(scope="module")
def jpki(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("jpki"))


@pytest.fixture(scope="module")
def issued(jpki: TestJpki):  # type: ignore[no-untyped-def]
    return jpki.issue_user_certificate()


@pytest.fixture
def virtual(jpki: TestJpki, issued) -> VirtualCard:  # type: ignore[no-untyped-def]
    certificate, key = issued
    return VirtualCard.issue(certificate, jpki.ca_certificate, key, PIN, "reset", PASSWORD)


def inserted(card: VirtualCard) -> JpkiResetCard:
    card.reset()
    driver = JpkiResetCard(card)
    driver.select_application()
    return driver


def test_a_forgotten_pin_is_replaced_and_the_old_one_no_longer_works(virtual) -> None:  # type: ignore[no-untyped-def]
    card = inserted(virtual)
    assert card.signature_pin_tries_left() == 5
    card.verify_signature_pin(PASSWORD)
    card.reset_user_pin("5678")
    again = inserted(virtual)
    with pytest.raises(WrongPinError):
        again.verify_pin(PIN)
    again.verify_pin("5678")
    assert len(again.sign_sha256(b"challenge")) == 256


def test_a_locked_user_pin_is_what_the_reset_is_for(virtual) -> None:  # type: ignore[no-untyped-def]
    virtual.tries_left = 0
    card = inserted(virtual)
    assert card.pin_tries_left() == 0
    card.verify_signature_pin(PASSWORD)
    card.reset_user_pin("2468")
    assert card.pin_tries_left() == 3
    card.verify_pin("2468")


def test_no_reset_without_the_signature_password_and_one_reset_per_verification(virtual) -> None:  # type: ignore[no-untyped-def]
    card = inserted(virtual)
    with pytest.raises(CardStatusError) as refused:
        card.reset_user_pin("5678")
    assert refused.value.status_word == "6982"  # security status not satisfied
    card.verify_signature_pin(PASSWORD)
    card.reset_user_pin("5678")
    with pytest.raises(CardStatusError):
        card.reset_user_pin("0000")
    inserted(virtual).verify_pin("5678")


def test_a_new_card_session_forgets_the_verified_password(virtual) -> None:  # type: ignore[no-untyped-def]
    inserted(virtual).verify_signature_pin(PASSWORD)
    with pytest.raises(CardStatusError):
        inserted(virtual).reset_user_pin("5678")


def test_wrong_passwords_count_down_from_five_and_lock_in_the_card_file(
    virtual,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    virtual.save(tmp_path / "card.json")
    card = inserted(virtual)
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongSignaturePinError) as wrong:
            card.verify_signature_pin("WRONG1")
        assert wrong.value.tries_left == left
    with pytest.raises(SignaturePinLockedError):
        card.verify_signature_pin("WRONG1")
    reloaded = inserted(VirtualCard.load(tmp_path / "card.json"))
    assert reloaded.signature_pin_tries_left() == 0
    with pytest.raises(SignaturePinLockedError):
        reloaded.verify_signature_pin(PASSWORD)
    assert reloaded.pin_tries_left() == 3  # the user PIN has its own counter


def test_the_right_password_refills_its_counter(virtual) -> None:  # type: ignore[no-untyped-def]
    card = inserted(virtual)
    with pytest.raises(WrongSignaturePinError):
        card.verify_signature_pin("WRONG1")
    card.verify_signature_pin(PASSWORD)
    assert inserted(virtual).signature_pin_tries_left() == 5


def test_malformed_secrets_never_reach_the_card(virtual) -> None:  # type: ignore[no-untyped-def]
    card = inserted(virtual)
    for bad in ("abc123", "ABC12", "A" * 17, "ABC-123"):
        with pytest.raises(SignaturePinFormatError):
            card.verify_signature_pin(bad)
    assert card.signature_pin_tries_left() == 5
    card.verify_signature_pin(PASSWORD)
    for bad in ("123", "12345", "12a4"):
        with pytest.raises(NewPinFormatError):
            card.reset_user_pin(bad)
    card.reset_user_pin("1111")


def test_a_card_without_a_signature_password_cannot_be_reset(jpki, issued) -> None:  # type: ignore[no-untyped-def]
    certificate, key = issued
    plain = VirtualCard.issue(certificate, jpki.ca_certificate, key, PIN, "no signature")
    card = inserted(plain)
    with pytest.raises(NoSignaturePinError):
        card.signature_pin_tries_left()
    with pytest.raises(CardStatusError):  # security status not satisfied
        card.reset_user_pin("5678")

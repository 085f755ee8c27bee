"""The virtual My Number card answers APDUs like the JPKI user-authentication application."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from demo.jpki import TestJpki
from kiosk_terminal.virtual_card import VirtualCard

SELECT_JPKI = bytes.fromhex("00A4040C0AD392F000260100000001")
SW_OK = bytes.fromhex("9000")
PIN = "1234"


def select_ef(fid: str) -> bytes:
    return bytes.fromhex("00A4020C02" + fid)


def verify(pin: str = "") -> bytes:
    data = pin.encode("ascii")
    return bytes.fromhex("00200080") + (bytes([len(data)]) + data if data else b"")


def sign(digest_info: bytes) -> bytes:
    return bytes.fromhex("802A0080") + bytes([len(digest_info)]) + digest_info + b"\x00"


SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


@pytest.fixture(scope="module")
def jpki(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("jpki"))


@pytest.fixture(scope="module")
def issued(jpki: TestJpki):
    return jpki.issue_user_certificate()


@pytest.fixture
def card(jpki: TestJpki, issued) -> VirtualCard:
    certificate, key = issued
    return VirtualCard.issue(certificate, jpki.ca_certificate, key, PIN, "test card")


def run(card: VirtualCard, *apdus: bytes) -> bytes:
    """Send each APDU and return the last answer."""
    answer = b""
    for apdu in apdus:
        answer = card.transmit(apdu)
    return answer


def test_selecting_the_jpki_application_succeeds(card: VirtualCard) -> None:
    assert card.transmit(SELECT_JPKI) == SW_OK


def test_selecting_another_application_is_file_not_found(card: VirtualCard) -> None:
    other_aid = bytes.fromhex("00A4040C07A0000000031010")
    assert card.transmit(other_aid) == bytes.fromhex("6A82")


def test_the_certificate_reads_back_with_read_binary(card: VirtualCard, issued) -> None:
    der = issued[0].public_bytes(serialization.Encoding.DER)
    run(card, SELECT_JPKI, select_ef("000A"))
    content = b""
    while len(content) < len(der):
        offset = len(content)
        answer = card.transmit(bytes([0, 0xB0, offset >> 8, offset & 0xFF, 0]))
        assert answer[-2:] == SW_OK
        content += answer[:-2]
    assert content == der


def test_reading_past_the_end_returns_what_is_left(card: VirtualCard) -> None:
    run(card, SELECT_JPKI, select_ef("000B"))
    offset = len(card.ca_certificate) - 3
    answer = card.transmit(bytes([0, 0xB0, offset >> 8, offset & 0xFF, 0xFF]))
    assert answer == card.ca_certificate[-3:] + SW_OK


def test_the_private_key_and_pin_cannot_be_read(card: VirtualCard) -> None:
    read = bytes.fromhex("00B0000004")
    assert run(card, SELECT_JPKI, select_ef("0017"), read) == bytes.fromhex("6982")
    assert run(card, select_ef("0018"), read) == bytes.fromhex("6982")


def test_reading_with_no_file_selected_is_refused(card: VirtualCard) -> None:
    assert run(card, SELECT_JPKI, bytes.fromhex("00B0000004")) == bytes.fromhex("6986")


def test_a_wrong_pin_decrements_the_counter(card: VirtualCard) -> None:
    run(card, SELECT_JPKI, select_ef("0018"))
    assert card.transmit(verify("0000")) == bytes.fromhex("63C2")
    assert card.transmit(verify()) == bytes.fromhex("63C2")
    assert card.transmit(verify("0000")) == bytes.fromhex("63C1")


def test_a_correct_pin_resets_the_counter(card: VirtualCard) -> None:
    run(card, SELECT_JPKI, select_ef("0018"), verify("0000"), verify("9999"))
    assert card.transmit(verify(PIN)) == SW_OK
    assert card.tries_left == 3
    assert card.transmit(verify()) == SW_OK


def test_three_wrong_pins_block_the_card_even_for_the_right_pin(card: VirtualCard) -> None:
    run(card, SELECT_JPKI, select_ef("0018"), verify("0000"), verify("0000"))
    assert card.transmit(verify("0000")) == bytes.fromhex("6983")
    assert card.transmit(verify(PIN)) == bytes.fromhex("6983")
    assert card.transmit(verify()) == bytes.fromhex("6983")


def test_a_blocked_card_stays_blocked_after_save_and_load(card: VirtualCard, tmp_path) -> None:
    path = tmp_path / "card.json"
    card.save(path)
    run(card, SELECT_JPKI, select_ef("0018"), verify("0000"), verify("0000"), verify("0000"))
    reloaded = VirtualCard.load(path)
    assert json.loads(path.read_text())["tries_left"] == 0
    assert run(reloaded, SELECT_JPKI, select_ef("0018"), verify(PIN)) == bytes.fromhex("6983")


def test_the_tries_counter_is_written_back_to_the_card_file(card: VirtualCard, tmp_path) -> None:
    path = tmp_path / "card.json"
    card.save(path)
    loaded = VirtualCard.load(path)
    run(loaded, SELECT_JPKI, select_ef("0018"), verify("0000"))
    assert VirtualCard.load(path).tries_left == 2


def test_signing_before_the_pin_is_refused(card: VirtualCard) -> None:
    digest_info = SHA256_PREFIX + hashlib.sha256(b"hello").digest()
    assert run(card, SELECT_JPKI, select_ef("0017"), sign(digest_info)) == bytes.fromhex("6982")


def test_signing_after_the_pin_gives_a_pkcs1_signature(card: VirtualCard, issued) -> None:
    digest_info = SHA256_PREFIX + hashlib.sha256(b"hello").digest()
    run(card, SELECT_JPKI, select_ef("0018"), verify(PIN), select_ef("0017"))
    answer = card.transmit(sign(digest_info))
    assert answer[-2:] == SW_OK and len(answer) == 258
    issued[0].public_key().verify(answer[:-2], b"hello", padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize(
    "prefix, algorithm",
    [
        ("3021300906052b0e03021a05000414", hashes.SHA1()),
        ("3041300d060960864801650304020205000430", hashes.SHA384()),
        ("3051300d060960864801650304020305000440", hashes.SHA512()),
    ],
)
def test_signing_supports_other_digest_algorithms(card: VirtualCard, issued, prefix, algorithm):
    digest = hashes.Hash(algorithm)
    digest.update(b"hello")
    digest_info = bytes.fromhex(prefix) + digest.finalize()
    run(card, SELECT_JPKI, select_ef("0018"), verify(PIN), select_ef("0017"))
    answer = card.transmit(sign(digest_info))
    assert answer[-2:] == SW_OK
    issued[0].public_key().verify(answer[:-2], b"hello", padding.PKCS1v15(), algorithm)


def test_a_malformed_digest_info_is_wrong_data(card: VirtualCard) -> None:
    run(card, SELECT_JPKI, select_ef("0018"), verify(PIN), select_ef("0017"))
    assert card.transmit(sign(SHA256_PREFIX + b"short")) == bytes.fromhex("6A80")


def test_reset_forgets_the_verified_pin(card: VirtualCard) -> None:
    digest_info = SHA256_PREFIX + hashlib.sha256(b"hello").digest()
    run(card, SELECT_JPKI, select_ef("0018"), verify(PIN))
    card.reset()
    assert run(card, SELECT_JPKI, select_ef("0017"), sign(digest_info)) == bytes.fromhex("6982")


def test_selecting_another_application_forgets_the_verified_pin(card: VirtualCard) -> None:
    digest_info = SHA256_PREFIX + hashlib.sha256(b"hello").digest()
    run(card, SELECT_JPKI, select_ef("0018"), verify(PIN))
    run(card, bytes.fromhex("00A4040C07A0000000031010"), SELECT_JPKI, select_ef("0017"))
    assert card.transmit(sign(digest_info)) == bytes.fromhex("6982")


@pytest.mark.parametrize(
    "apdu, status",
    [
        ("00CA000000", "6D00"),
        ("B0B0000004", "6E00"),
        ("00A4040C0AD392F0", "6700"),
        ("00A4", "6700"),
    ],
)
def test_unknown_or_malformed_commands_get_iso_status_words(card, apdu, status) -> None:
    assert card.transmit(bytes.fromhex(apdu)) == bytes.fromhex(status)


def test_issuing_refuses_a_key_that_does_not_match(jpki: TestJpki, issued) -> None:
    _, other_key = jpki.issue_user_certificate()
    with pytest.raises(ValueError):
        VirtualCard.issue(issued[0], jpki.ca_certificate, other_key, PIN, "mismatch")

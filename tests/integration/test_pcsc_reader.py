"""The kiosk's card reader for real: pyscard → a private pcscd → vpcd → the virtual card (every
state, and recovery). Printing is in test_cups_printing."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk_terminal.card_slot import CardPresence, CardRemovedError, NoReaderError
from kiosk_terminal.jpki import JpkiCard, PinLockedError, WrongPinError
from kiosk_terminal.pcscd import PrivatePcscd, missing_tools, namespaces
from tests.unit.test_terminal_flow import centre  # noqa: F401  (the centre on loopback)

REQUIRE_SERVICES = os.environ.get("KOFU_REQUIRE_SERVICES") == "1"
READER = "Virtual PCD 00 00"
SOCKET_DIR = Path(f"/tmp/kofu-pcsc-{os.getpid()}")  # one per test run: libpcsclite caches it


@pytest.fixture(scope="module")
def pcscd() -> Iterator[PrivatePcscd]:
    missing = missing_tools()
    if missing:
        message = f"pcscd with vpcd cannot run here: missing {', '.join(missing)}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (KOFU_REQUIRE_SERVICES=1; run scripts/setup-system.sh)")
        pytest.skip(message)
    os.environ["PCSCLITE_CSOCK_NAME"] = str(SOCKET_DIR / "run" / "pcscd.comm")
    with PrivatePcscd(SOCKET_DIR) as daemon:
        yield daemon
    assert daemon.namespace not in namespaces(), "the private pcscd's namespace outlived it"
    assert daemon.daemon is None and all(p.poll() is not None for p in daemon.cards)


@pytest.fixture
def reader(pcscd: PrivatePcscd):  # type: ignore[no-untyped-def]
    from kiosk_terminal.pcsc import PcscReader

    made = PcscReader(READER)
    yield made
    made.close()
    for card in pcscd.cards:
        pcscd.remove(card)
    wait_for(made, CardPresence.NO_CARD)
    made.close()


def wait_for(reader, presence: CardPresence, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while reader.presence()[0] is not presence:
        assert time.monotonic() < deadline, f"the reader never showed {presence}"
        time.sleep(0.05)


def expect(error: type[Exception], action: Callable[[], object]) -> Exception:
    with pytest.raises(error) as caught:
        action()
    return caught.value


def test_the_driver_reads_verifies_and_signs_through_pcscd(
    pcscd: PrivatePcscd,
    reader,
    cards: Path,  # type: ignore[no-untyped-def]
) -> None:
    wait_for(reader, CardPresence.NO_CARD)
    pcscd.insert(cards / "yamada-taro.json")
    wait_for(reader, CardPresence.PRESENT)
    connection = reader.connect()
    card = JpkiCard(connection)
    card.select_application()
    started = time.perf_counter()
    certificate = card.read_user_certificate()
    took = time.perf_counter() - started
    assert certificate[0] == 0x30 and len(certificate) > 500
    assert took < 1.0, f"reading the certificate took {took:.3f} s (delayed ACKs?)"
    assert card.pin_tries_left() == 3
    card.verify_pin("1234")
    assert len(card.sign_sha256(b"challenge")) == 256
    connection.close()


def test_a_wrong_pin_and_a_locked_card_are_told_apart(
    pcscd: PrivatePcscd,
    reader,
    cards: Path,  # type: ignore[no-untyped-def]
) -> None:
    pcscd.insert(cards / "yamada-hanako.json")
    wait_for(reader, CardPresence.PRESENT)
    card = JpkiCard(reader.connect())
    card.select_application()
    wrong = expect(WrongPinError, lambda: card.verify_pin("9999"))
    assert wrong.tries_left == 2  # type: ignore[attr-defined]
    for card_process in pcscd.cards:
        pcscd.remove(card_process)
    wait_for(reader, CardPresence.NO_CARD)
    pcscd.insert(cards / "ito-mai.json")
    wait_for(reader, CardPresence.PRESENT)
    locked = JpkiCard(reader.connect())
    locked.select_application()
    assert locked.pin_tries_left() == 0
    expect(PinLockedError, lambda: locked.verify_pin("1234"))


def test_a_card_removed_mid_session_is_reported_and_the_next_card_works(
    pcscd: PrivatePcscd,
    reader,
    cards: Path,  # type: ignore[no-untyped-def]
) -> None:
    first = pcscd.insert(cards / "yamada-taro.json")
    wait_for(reader, CardPresence.PRESENT)
    card = JpkiCard(reader.connect())
    card.select_application()
    pcscd.remove(first)
    expect(CardRemovedError, card.read_user_certificate)
    wait_for(reader, CardPresence.NO_CARD)
    pcscd.insert(cards / "yamada-taro.json")
    wait_for(reader, CardPresence.PRESENT)
    again = JpkiCard(reader.connect())
    again.select_application()
    assert again.pin_tries_left() == 3


def test_a_pcscd_restart_mid_session_is_reported_and_recovered_from(
    pcscd: PrivatePcscd,
    reader,
    cards: Path,  # type: ignore[no-untyped-def]
) -> None:
    pcscd.insert(cards / "yamada-taro.json")
    wait_for(reader, CardPresence.PRESENT)
    card = JpkiCard(reader.connect())
    card.select_application()
    pcscd.stop_daemon()
    assert reader.presence()[0] is CardPresence.NO_READER
    expect(NoReaderError, card.read_user_certificate)
    pcscd.start_daemon()
    wait_for(reader, CardPresence.PRESENT)  # the card process reconnects to the new vpcd
    recovered = JpkiCard(reader.connect())
    recovered.select_application()
    assert recovered.read_user_certificate()[0] == 0x30

"""The kiosk's card reader for real: pyscard → a private pcscd → vpcd → the virtual card (every
state, recovery, both card generations). Printing is in test_cups_printing."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from centre.bootstrap import Platform
from issuance.model import RecordAccess
from issuance.sessions.kiosks import KioskSession
from kiosk_terminal.card_slot import CardPresence, CardRemovedError, NoReaderError
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.jpki import JpkiCard, PinLockedError, WrongPinError
from kiosk_terminal.pcscd import PrivatePcscd, missing_tools, namespaces
from kiosk_terminal.printing import FolderPrinter
from kiosk_terminal.terminal import Choice, Screen, Terminal, Timeouts
from tests.support.pdf import pdf_text, squeeze
from tests.unit.test_terminal_flow import (
    Clock,
    centre,  # noqa: F401  (the centre on loopback)
)

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


def test_a_next_generation_p384_card_issues_a_juminhyo_through_pcscd(
    pcscd: PrivatePcscd,
    reader,  # type: ignore[no-untyped-def]
    cards: Path,
    centre: CentreClient,  # noqa: F811
    platform: Platform,
    tmp_path: Path,
) -> None:
    """yamada-hanako holds the P-384 card: the kiosk sends it the raw SHA-384 digest, passes its
    96-byte r||s on, and the centre records the generation on the session and in the audit."""
    pcscd.insert(cards / "yamada-hanako.json")
    wait_for(reader, CardPresence.PRESENT)
    printed = tmp_path / "printed"
    terminal = Terminal(reader, centre, FolderPrinter(printed), Timeouts(), Clock())
    assert terminal.tick().screen is Screen.CHOOSE
    terminal.choose(Choice(members="all"))
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.CONFIRM, terminal.view.notice
    terminal.confirm()
    terminal.wait_idle()
    assert terminal.view.screen is Screen.DONE
    [pdf] = printed.glob("*.pdf")
    text = squeeze(pdf_text(pdf.read_bytes()))
    assert "住民票" in text and "山田花子" in text and "山田太郎" in text
    with platform.uow() as uow:
        sessions = uow.session.scalars(select(KioskSession)).all()
        audited = uow.session.scalars(select(RecordAccess)).all()
    assert [s.card_generation for s in sessions] == ["p384"]
    assert audited and {row.card_generation for row in audited} == {"p384"}

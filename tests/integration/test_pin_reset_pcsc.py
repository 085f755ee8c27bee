"""A forgotten PIN reset at the kiosk for real: pyscard → a private pcscd → vpcd → the virtual
card, with the reservation from `kofu jpki reset-reservation`; then a 住民票 with the new PIN."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from kiosk_terminal.card_slot import CardPresence
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.pcscd import PrivatePcscd
from kiosk_terminal.printing import FolderPrinter
from kiosk_terminal.terminal import Choice, Screen, Terminal
from tests.integration import test_pcsc_reader as reader_tests
from tests.integration.test_pcsc_reader import READER, wait_for
from tests.support.pdf import pdf_text, squeeze
from tests.unit import test_terminal_flow as flow

PASSWORD = "KOFU2026"  # every demo card's signature password
# The fixtures: a private pcscd, the centre on loopback.
pcscd, centre = reader_tests.pcscd, flow.centre


@pytest.fixture
def kiosk(pcscd: PrivatePcscd, centre: CentreClient, tmp_path: Path) -> Iterator[Terminal]:
    from kiosk_terminal.pcsc import PcscReader

    reader = PcscReader(READER)
    yield Terminal(reader, centre, FolderPrinter(tmp_path / "printed"))
    for card in pcscd.cards:
        pcscd.remove(card)
    wait_for(reader, CardPresence.NO_CARD)
    reader.close()


def reserve(data_dir: Path, card: Path) -> str:
    result = CliRunner().invoke(
        main,
        ["jpki", "reset-reservation", "--card", str(card)],
        env={"KOFU_DATA_DIR": str(data_dir)},
    )
    assert result.exit_code == 0, result.output
    return result.output


def until(terminal: Terminal, *screens: Screen, timeout: float = 20.0) -> Screen:
    deadline = time.monotonic() + timeout
    while (screen := terminal.tick().screen) not in screens:
        assert time.monotonic() < deadline, f"the terminal stayed on {screen}"
        time.sleep(0.05)
    return screen


def take_card(terminal: Terminal, daemon: PrivatePcscd) -> None:
    for card in daemon.cards:
        daemon.remove(card)
    until(terminal, Screen.INSERT_CARD)


def test_a_locked_pin_reset_at_the_kiosk_then_prints_a_juminhyo_with_the_new_pin(
    kiosk: Terminal,
    pcscd: PrivatePcscd,
    cards: Path,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    card = cards / "ito-mai.json"  # the demo's card whose PIN is locked
    pcscd.insert(card)
    assert until(kiosk, Screen.REFUSED, Screen.CHOOSE) is Screen.REFUSED
    assert kiosk.view.notice and kiosk.view.notice.code == "PIN_LOCKED"
    take_card(kiosk, pcscd)

    output = reserve(data_dir, card)
    assert "valid until" in output
    kiosk.begin_pin_reset()
    pcscd.insert(card)
    until(kiosk, Screen.RESET_SIGNATURE_PIN)
    kiosk.enter_signature_pin("NOTMINE1")
    assert kiosk.view.tries_left == 4
    kiosk.enter_signature_pin(PASSWORD)
    kiosk.enter_new_pin("8642", "8642")
    assert kiosk.view.screen is Screen.RESET_DONE
    take_card(kiosk, pcscd)

    pcscd.insert(card)
    until(kiosk, Screen.CHOOSE)
    assert kiosk.view.tries_left == 3
    kiosk.choose(Choice(members="self"))
    kiosk.enter_pin("1234")  # the forgotten PIN no longer works
    assert kiosk.view.pin_notice and kiosk.view.pin_notice.code == "WRONG_PIN"
    kiosk.enter_pin("8642")
    assert kiosk.view.screen is Screen.CONFIRM
    kiosk.confirm()
    kiosk.wait_idle(60)
    assert kiosk.view.screen is Screen.DONE
    printed = list((tmp_path / "printed").glob("*.pdf"))
    assert len(printed) == 1
    assert "伊藤舞" in squeeze(pdf_text(printed[0].read_bytes()))


def test_the_same_reservation_does_not_reset_the_pin_again(
    kiosk: Terminal,
    pcscd: PrivatePcscd,
    cards: Path,
    data_dir: Path,
) -> None:
    card = cards / "yamada-hanako.json"
    reserve(data_dir, card)
    for new_pin, expected in (("1357", Screen.RESET_NEW_PIN), ("2468", Screen.REFUSED)):
        kiosk.begin_pin_reset()
        pcscd.insert(card)
        until(kiosk, Screen.RESET_SIGNATURE_PIN, Screen.REFUSED)
        if expected is Screen.REFUSED:
            assert kiosk.view.notice and kiosk.view.notice.code == "RESET_RESERVATION_USED"
        else:
            kiosk.enter_signature_pin(PASSWORD)
            kiosk.enter_new_pin(new_pin, new_pin)
            assert kiosk.view.screen is Screen.RESET_DONE
        take_card(kiosk, pcscd)

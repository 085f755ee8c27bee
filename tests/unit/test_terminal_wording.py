"""What the refusals say: a locked PIN's two ways out, and the tries left in good English."""

from __future__ import annotations

from pathlib import Path

from kiosk_terminal.card_slot import VirtualSlot
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.headless import issue
from kiosk_terminal.jpki import WrongPinError
from kiosk_terminal.jpki_reset import WrongSignaturePinError
from kiosk_terminal.terminal import Screen, Terminal
from kiosk_terminal.virtual_card import VirtualCard
from kiosk_terminal.web import create_app
from tests.unit.test_terminal_flow import centre, slot, terminal  # noqa: F401


def test_one_try_left_is_singular_and_more_are_plural() -> None:
    assert "1 more wrong try will lock the PIN" in WrongPinError(1).message_en
    assert "2 more wrong tries will lock the PIN" in WrongPinError(2).message_en
    assert "1 more wrong try will lock it" in WrongSignaturePinError(1).message_en
    assert "4 more wrong tries will lock it" in WrongSignaturePinError(4).message_en
    assert "あと1回" in WrongPinError(1).message_ja


def test_a_locked_pin_offers_the_reset_here_and_the_counter_beside_its_button(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    cards: Path,
) -> None:
    slot.insert(VirtualCard.load(cards / "ito-mai.json"))
    assert terminal.tick().screen is Screen.REFUSED
    client = create_app(terminal).test_client()
    page = client.get("/").get_data(as_text=True)
    assert "PIN_LOCKED" in page and 'data-test="pin-reset"' in page
    assert "リセットアプリで予約済みの方" in page and "キオスク端末で再設定できます" in page
    assert "予約がない方は" in page and "窓口" in page
    terminal.set_language("en")
    page = client.get("/").get_data(as_text=True)
    assert "you can reset the PIN here at the kiosk" in page and "counter" in page


def test_the_headless_kiosk_names_the_kiosk_reset_for_a_locked_pin(
    centre: CentreClient,  # noqa: F811
    cards: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "x.pdf"
    outcome = issue(centre, cards / "ito-mai.json", "1234", "juminhyo", {}, out, say=print)
    assert outcome.code == "PIN_LOCKED"
    assert "キオスク端末で再設定" in outcome.message_ja and "窓口" in outcome.message_ja
    assert "reset the PIN here at the kiosk" in outcome.message_en
    assert "counter" in outcome.message_en

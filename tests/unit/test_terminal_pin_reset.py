"""The terminal's PIN-reset screens against the in-process card and a centre on loopback."""

from __future__ import annotations

from pathlib import Path

from centre.bootstrap import Platform
from cli.pin_reset import serial_of_card_file
from issuance.pin_reset.services import reserve_pin_reset
from kiosk_terminal.card_slot import VirtualSlot
from kiosk_terminal.terminal import Choice, Screen, Terminal
from kiosk_terminal.virtual_card import VirtualCard
from tests.unit import test_terminal_flow as flow

PASSWORD = "KOFU2026"  # every demo card's signature password
centre, slot, terminal = flow.centre, flow.slot, flow.terminal  # the fixtures


def reserve(platform: Platform, card: Path) -> None:
    with platform.uow() as uow:
        reserve_pin_reset(uow, serial_of_card_file(card), platform.now())


def take_card(terminal: Terminal, slot: VirtualSlot) -> Screen:
    slot.remove()
    terminal.clock.now += 1  # type: ignore[attr-defined]
    return terminal.tick().screen


def start_reset(terminal: Terminal, slot: VirtualSlot, card: Path) -> VirtualCard:
    terminal.begin_pin_reset()
    inserted = VirtualCard.load(card)
    slot.insert(inserted)
    terminal.tick()
    return inserted


def test_a_locked_pin_is_reset_at_the_kiosk_and_the_new_pin_signs_in(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform
) -> None:
    card = cards / "ito-mai.json"  # the demo's card with a locked PIN
    reserve(platform, card)
    start_reset(terminal, slot, card)
    assert terminal.view.screen is Screen.RESET_SIGNATURE_PIN
    assert terminal.view.tries_left == 5
    terminal.enter_signature_pin("WRONG123")
    assert terminal.view.screen is Screen.RESET_SIGNATURE_PIN
    assert terminal.view.tries_left == 4
    assert terminal.view.pin_notice and terminal.view.pin_notice.code == "WRONG_SIGNATURE_PIN"
    terminal.enter_signature_pin(PASSWORD.lower())  # typed in lower case: the kiosk upper-cases
    assert terminal.view.screen is Screen.RESET_NEW_PIN
    terminal.enter_new_pin("4321", "4312")
    assert terminal.view.pin_notice and terminal.view.pin_notice.code == "NEW_PIN_MISMATCH"
    terminal.enter_new_pin("4321", "4321")
    assert terminal.view.screen is Screen.RESET_DONE
    assert take_card(terminal, slot) is Screen.INSERT_CARD
    slot.insert(VirtualCard.load(card))
    assert terminal.tick().screen is Screen.CHOOSE
    assert terminal.view.tries_left == 3
    terminal.choose(Choice(members="self"))
    terminal.enter_pin("1234")
    assert terminal.view.pin_notice and terminal.view.pin_notice.code == "WRONG_PIN"
    terminal.enter_pin("4321")
    assert terminal.view.screen is Screen.CONFIRM


def test_a_card_without_a_reservation_is_refused_with_what_to_do(
    terminal: Terminal, slot: VirtualSlot, cards: Path
) -> None:
    start_reset(terminal, slot, cards / "yamada-taro.json")
    assert terminal.view.screen is Screen.REFUSED
    assert terminal.view.notice and terminal.view.notice.code == "NO_RESET_RESERVATION"
    assert "24時間" in terminal.view.notice.why_ja


def test_a_used_reservation_does_not_reset_twice(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform
) -> None:
    card = cards / "yamada-hanako.json"
    reserve(platform, card)
    start_reset(terminal, slot, card)
    terminal.enter_signature_pin(PASSWORD)
    terminal.enter_new_pin("1111", "1111")
    assert terminal.view.screen is Screen.RESET_DONE
    take_card(terminal, slot)
    start_reset(terminal, slot, card)
    assert terminal.view.notice and terminal.view.notice.code == "RESET_RESERVATION_USED"


def test_a_locked_signature_password_sends_the_resident_to_the_office(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform
) -> None:
    card = cards / "yamada-hanako.json"
    reserve(platform, card)
    start_reset(terminal, slot, card)
    for _ in range(5):
        terminal.enter_signature_pin("WRONG123")
    assert terminal.view.screen is Screen.REFUSED
    assert terminal.view.notice and terminal.view.notice.code == "SIGNATURE_PIN_LOCKED"
    assert "窓口" in terminal.view.notice.why_ja
    take_card(terminal, slot)
    start_reset(terminal, slot, card)  # the lock is on the card: refused before any question
    assert terminal.view.notice and terminal.view.notice.code == "SIGNATURE_PIN_LOCKED"


def test_the_locked_pin_refusal_leads_to_the_reset_with_the_card_in_place(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform
) -> None:
    card = cards / "ito-mai.json"
    reserve(platform, card)
    slot.insert(VirtualCard.load(card))
    assert terminal.tick().screen is Screen.REFUSED
    terminal.begin_pin_reset()
    assert terminal.tick().screen is Screen.RESET_SIGNATURE_PIN


def test_leaving_half_way_is_reported_and_the_reservation_stays_usable(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform
) -> None:
    from issuance.pin_reset.model import PinResetAudit

    card = cards / "yamada-hanako.json"
    reserve(platform, card)
    start_reset(terminal, slot, card)
    terminal.enter_signature_pin(PASSWORD)
    assert take_card(terminal, slot) is Screen.REFUSED  # CARD_REMOVED
    with platform.uow() as uow:
        events = [row.event for row in uow.session.query(PinResetAudit).order_by(PinResetAudit.id)]
    assert events == ["reserved", "checked", "abandoned"]
    terminal.clock.now += 61  # type: ignore[attr-defined]
    assert terminal.tick().screen is Screen.INSERT_CARD
    start_reset(terminal, slot, card)
    assert terminal.view.screen is Screen.RESET_SIGNATURE_PIN


def test_neither_the_password_nor_the_pin_is_sent_to_the_centre(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    sent: list[str] = []
    call = terminal.centre._call

    def recording(method: str, path: str, body=None, retries: int = 3):  # type: ignore[no-untyped-def]
        sent.append(f"{path} {body}")
        return call(method, path, body, retries)

    monkeypatch.setattr(terminal.centre, "_call", recording)
    card = cards / "yamada-hanako.json"
    reserve(platform, card)
    start_reset(terminal, slot, card)
    terminal.enter_signature_pin("WRONG123")
    terminal.enter_signature_pin(PASSWORD)
    terminal.enter_new_pin("9753", "9753")
    assert terminal.view.screen is Screen.RESET_DONE
    assert len(sent) == 3  # the check, the wrong password's tries, the reset
    assert not [line for line in sent if "WRONG123" in line or PASSWORD in line or "9753" in line]

"""The certificate goes to the centre before any PIN: a revoked card or a lost phone keeps its
tries."""

from __future__ import annotations

from pathlib import Path

from centre.bootstrap import Platform
from kiosk_terminal.card_slot import VirtualSlot
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.headless import issue
from kiosk_terminal.terminal import Choice, Screen, Terminal
from kiosk_terminal.virtual_card import VirtualCard
from kiosk_terminal.virtual_phone import VirtualPhone
from tests.conftest import FakeClock
from tests.support.mid_session import revoke_card
from tests.support.phones import ANDROID, lose_phone, phones
from tests.unit.test_terminal_flow import centre, slot, terminal  # noqa: F401


def test_a_revoked_card_is_refused_before_the_pin_screen_and_keeps_its_tries(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    cards: Path,
    platform: Platform,
) -> None:
    revoke_card(platform.settings.pki_dir, cards / "yamada-taro.json")
    card = VirtualCard.load(cards / "yamada-taro.json")
    slot.insert(card)
    view = terminal.tick()
    assert view.screen is Screen.REFUSED
    assert view.notice and view.notice.code == "CERT_REVOKED"
    assert card.tries_left == 3
    assert VirtualCard.load(cards / "yamada-taro.json").tries_left == 3


def test_a_lost_android_phone_is_refused_at_once_and_keeps_its_tries(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    data_dir: Path,
) -> None:
    path = phones(data_dir) / ANDROID
    lose_phone(data_dir / "jpki", path)
    slot.insert(VirtualPhone.load(path))
    view = terminal.tick()
    assert view.screen is Screen.REFUSED
    assert view.notice and view.notice.code == "PHONE_CERT_REVOKED"
    assert VirtualPhone.load(path).tries_left == 3


def test_a_challenge_that_expired_while_the_resident_typed_is_asked_for_again(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    cards: Path,
    clock: FakeClock,
    platform: Platform,
) -> None:
    slot.insert(VirtualCard.load(cards / "yamada-hanako.json"))
    assert terminal.tick().screen is Screen.CHOOSE
    terminal.choose(Choice())
    clock.advance(platform.settings.challenge_ttl_seconds + 1)  # a slow resident
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.CONFIRM


def test_the_headless_kiosk_sends_a_lost_phone_away_without_spending_a_pin_try(
    centre: CentreClient,  # noqa: F811
    data_dir: Path,
    tmp_path: Path,
) -> None:
    path = phones(data_dir) / ANDROID
    lose_phone(data_dir / "jpki", path)
    outcome = issue(centre, path, "0000", "juminhyo", {}, tmp_path / "x.pdf", say=lambda _: None)
    assert not outcome.ok and outcome.code == "PHONE_CERT_REVOKED"
    assert VirtualPhone.load(path).tries_left == 3


def test_the_headless_kiosk_sends_a_revoked_card_away_without_spending_a_pin_try(
    centre: CentreClient,  # noqa: F811
    cards: Path,
    platform: Platform,
    tmp_path: Path,
) -> None:
    card = cards / "yamada-taro.json"
    revoke_card(platform.settings.pki_dir, card)
    outcome = issue(centre, card, "0000", "juminhyo", {}, tmp_path / "x.pdf", say=lambda _: None)
    assert not outcome.ok and outcome.code == "CERT_REVOKED"
    assert VirtualCard.load(card).tries_left == 3

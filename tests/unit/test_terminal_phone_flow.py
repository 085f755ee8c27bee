"""The terminal's screens with a phone held to the reader: Android's PIN, the iPhone's Face ID."""

from __future__ import annotations

from pathlib import Path

from kiosk_terminal.card_slot import VirtualSlot
from kiosk_terminal.terminal import Choice, Screen, Terminal
from kiosk_terminal.virtual_phone import VirtualPhone
from kiosk_terminal.web import create_app
from tests.support.phones import ANDROID, CARD_OF, IPHONE, phones, revoke_phones_card
from tests.unit.test_terminal_flow import centre, finish, slot, terminal  # noqa: F401


def hold(terminal: Terminal, slot: VirtualSlot, phone: Path) -> VirtualPhone:  # noqa: F811
    device = VirtualPhone.load(phone)
    slot.insert(device)
    assert terminal.tick().screen is Screen.CHOOSE
    return device


def test_an_android_phone_asks_for_its_own_pin_and_prints(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    data_dir: Path,
    tmp_path: Path,
) -> None:
    hold(terminal, slot, phones(data_dir) / ANDROID)
    assert terminal.view.credential == "android" and terminal.view.tries_left == 3
    terminal.choose(Choice(members="self"))
    assert terminal.view.screen is Screen.PIN
    page = create_app(terminal).test_client().get("/").get_data(as_text=True)
    assert "スマホ用利用者証明用電子証明書の暗証番号" in page
    terminal.enter_pin("1234")  # the card's PIN is not the phone certificate's
    assert terminal.view.screen is Screen.PIN and terminal.view.tries_left == 2
    terminal.enter_pin("2580")
    assert terminal.view.screen is Screen.CONFIRM
    assert finish(terminal) is Screen.DONE
    page = create_app(terminal).test_client().get("/").get_data(as_text=True)
    assert "スマートフォンと証明書をお取りください" in page
    assert len(list((tmp_path / "printed").glob("*.pdf"))) == 1


def test_an_iphone_needs_no_pin_only_face_id_on_the_phone(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    data_dir: Path,
    tmp_path: Path,
) -> None:
    device = hold(terminal, slot, phones(data_dir) / IPHONE)
    assert terminal.view.credential == "iphone" and terminal.view.tries_left is None
    terminal.choose(Choice(members="self"))
    assert terminal.view.screen is Screen.DEVICE_AUTH
    device.face_matches = False  # someone else looks at the phone
    terminal.authenticate_on_device()
    assert terminal.view.screen is Screen.DEVICE_AUTH
    notice = terminal.view.pin_notice
    assert notice and notice.code == "BIOMETRIC_FAILED" and "Face ID" in notice.why_ja
    device.face_matches = True
    terminal.authenticate_on_device()
    assert terminal.view.screen is Screen.CONFIRM
    assert finish(terminal) is Screen.DONE
    assert len(list((tmp_path / "printed").glob("*.pdf"))) == 1


def test_a_phone_whose_card_is_revoked_mid_issuance_is_refused_at_no_charge(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    data_dir: Path,
    cards: Path,
) -> None:
    hold(terminal, slot, phones(data_dir) / IPHONE)
    terminal.choose(Choice())
    terminal.authenticate_on_device()
    assert terminal.view.screen is Screen.CONFIRM
    revoke_phones_card(data_dir / "jpki", cards / CARD_OF[IPHONE])
    assert finish(terminal) is Screen.REFUSED
    notice = terminal.view.notice
    assert notice and notice.code == "PHONE_CARD_REVOKED"
    assert "スマートフォン" in notice.why_ja and "料金はかかりません" in notice.todo_ja


def test_a_lost_phone_is_refused_with_what_to_do(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    data_dir: Path,
) -> None:
    slot.insert(VirtualPhone.load(phones(data_dir) / "yamada-ichiro-iphone-lost.json"))
    view = terminal.tick()  # refused at once: no Face ID asked for a lost phone
    notice = view.notice
    assert view.screen is Screen.REFUSED and notice and view.credential == "iphone"
    assert notice.code == "PHONE_CERT_REVOKED" and "設定し直して" in notice.why_ja
    page = create_app(terminal).test_client().get("/").get_data(as_text=True)
    assert "カードをお取りください" not in page


def test_taking_the_phone_away_mid_way_says_so(
    terminal: Terminal,  # noqa: F811
    slot: VirtualSlot,  # noqa: F811
    data_dir: Path,
) -> None:
    hold(terminal, slot, phones(data_dir) / ANDROID)
    terminal.choose(Choice())
    slot.remove()
    view = terminal.tick()
    assert view.screen is Screen.REFUSED and view.notice and view.notice.code == "PHONE_REMOVED"
    assert "スマートフォン" in view.notice.why_ja and "hold your phone" in view.notice.todo_en

"""A browser on the terminal's PIN-reset screens against a running centre, screen by screen:
the reset itself (through pcscd), then every refusal. Screenshots in test-output/terminal/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, update

from centre.database import normalise_url
from cli.main import main
from issuance.pin_reset.model import PinResetReservation
from kiosk_terminal.virtual_card import VirtualCard
from tests.e2e import test_terminal_browser as terminal_tests
from tests.e2e.test_terminal_browser import on_screen, shot

PASSWORD = "KOFU2026"  # every demo card's signature password
# The fixtures: the running `kofu serve`, a private pcscd, the browser, the terminal's screen.
centre, pcscd, browser = terminal_tests.centre, terminal_tests.pcscd, terminal_tests.browser
kiosk, pcsc_kiosk, page = terminal_tests.kiosk, terminal_tests.pcsc_kiosk, terminal_tests.page


def reserve(data_dir: Path, card: Path, expired: bool = False) -> None:
    result = CliRunner().invoke(
        main,
        ["jpki", "reset-reservation", "--card", str(card)],
        env={"KOFU_DATA_DIR": str(data_dir)},
    )
    assert result.exit_code == 0, result.output
    if expired:  # given more than 24 hours ago
        engine = create_engine(normalise_url(f"sqlite:///{data_dir / 'kofu.sqlite3'}"))
        with engine.begin() as connection:
            connection.execute(
                update(PinResetReservation).values(
                    expires_at=datetime.now(UTC) - timedelta(hours=1)
                )
            )
        engine.dispose()


def start_reset(page, url: str, insert) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    on_screen(page, "insert_card")
    shot(page, "1-insert-card")
    page.click('[data-test="pin-reset"]')
    page.wait_for_selector('[data-test="reset-insert"]')
    shot(page, "2-reset-insert-card")
    insert()


def type_password(page, password: str) -> None:  # type: ignore[no-untyped-def]
    """On the touch keys, as a resident would."""
    page.click('.keypad.letters .key[data-key="clear"]')
    for key in password:
        page.click(f'.keypad.letters .key[data-key="{key}"]')


def test_over_pcscd_a_locked_pin_is_reset_from_its_refusal(
    pcsc_kiosk,
    page,
    cards: Path,
    data_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    url, daemon, _ = pcsc_kiosk
    card = cards / "ito-mai.json"
    reserve(data_dir, card)
    page.goto(url)
    on_screen(page, "insert_card")
    daemon.insert(card)
    on_screen(page, "refused")  # the PIN is locked: the refusal offers the reset
    assert page.inner_text('[data-test="code"]') == "PIN_LOCKED"
    shot(page, "2-refused-pin-locked")
    page.click('[data-test="pin-reset"]')
    on_screen(page, "reset_signature_pin")
    assert page.inner_text('[data-test="tries"]').endswith("5")
    shot(page, "3-signature-password")
    type_password(page, "WRONG123")
    page.click('[data-test="password-ok"]')
    on_screen(page, "reset_signature_pin")
    assert "あと4回" in page.inner_text('[data-test="pin-notice"]')
    shot(page, "4-signature-password-wrong")
    type_password(page, PASSWORD)
    page.click('[data-test="password-ok"]')
    on_screen(page, "reset_new_pin")
    shot(page, "5-new-pin")
    for key in "1357" + "1375":
        page.click(f'.keypad .key[data-key="{key}"]')
    page.click('[data-test="new-pin-ok"]')
    on_screen(page, "reset_new_pin")
    assert "一致しません" in page.inner_text('[data-test="pin-notice"]')
    shot(page, "6-new-pin-mismatch")
    page.fill('[data-test="new-pin"]', "1357")
    page.fill('[data-test="new-pin-again"]', "1357")
    page.click('[data-test="new-pin-ok"]')
    on_screen(page, "reset_done")
    shot(page, "7-done")
    page.click('[data-test="language"]')
    assert "Your PIN has been reset" in page.inner_text("main")
    shot(page, "8-done-en")
    for process in daemon.cards:
        daemon.remove(process)
    on_screen(page, "insert_card")
    daemon.insert(card)
    on_screen(page, "choose")
    page.click('[data-test="next"]')
    on_screen(page, "pin")
    page.fill('[data-test="pin"]', "1357")
    page.click('[data-test="pin-ok"]')
    on_screen(page, "confirm")


def refused_with(page, code: str, name: str) -> str:  # type: ignore[no-untyped-def]
    on_screen(page, "refused")
    assert page.inner_text('[data-test="code"]') == code
    shot(page, name)
    return page.inner_text("main")


def test_the_letter_c_types_c_and_only_the_clear_key_clears(
    kiosk,
    page,
    cards: Path,
    data_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    url, slot, _ = kiosk
    path = cards / "yamada-hanako.json"
    reserve(data_dir, path)
    start_reset(page, url, lambda: slot.insert(VirtualCard.load(path)))
    on_screen(page, "reset_signature_pin")
    for key in "CC12":
        page.click(f'.keypad.letters .key[data-key="{key}"]')
    assert page.input_value('[data-test="password"]') == "CC12"
    shot(page, "password-with-c")
    page.click('.keypad.letters .key[data-key="⌫"]')
    assert page.input_value('[data-test="password"]') == "CC1"
    page.click('.keypad.letters .key[data-key="clear"]')
    assert page.input_value('[data-test="password"]') == ""
    type_password(page, PASSWORD)
    page.click('[data-test="password-ok"]')
    on_screen(page, "reset_new_pin")
    for key in "12":
        page.click(f'.keypad .key[data-key="{key}"]')
    page.click('.keypad .key[data-key="clear"]')
    assert page.input_value('[data-test="new-pin"]') == ""
    shot(page, "new-pin-cleared")


def test_a_card_without_a_reservation_is_told_how_to_get_one(kiosk, page, cards: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, _ = kiosk
    card = VirtualCard.load(cards / "yamada-taro.json")
    start_reset(page, url, lambda: slot.insert(card))
    assert "24時間" in refused_with(page, "NO_RESET_RESERVATION", "refused-no-reservation")
    page.click('[data-test="language"]')
    assert "within 24 hours" in page.inner_text("main")
    shot(page, "refused-no-reservation-en")


def test_an_expired_reservation_is_refused(kiosk, page, cards: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, _ = kiosk
    reserve(data_dir, cards / "yamada-taro.json", expired=True)
    card = VirtualCard.load(cards / "yamada-taro.json")
    start_reset(page, url, lambda: slot.insert(card))
    assert "24時間" in refused_with(page, "RESET_RESERVATION_EXPIRED", "refused-expired")


def test_a_used_reservation_is_refused(kiosk, page, cards: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, _ = kiosk
    path = cards / "yamada-hanako.json"
    reserve(data_dir, path)
    start_reset(page, url, lambda: slot.insert(VirtualCard.load(path)))
    on_screen(page, "reset_signature_pin")
    page.fill('[data-test="password"]', PASSWORD)
    page.click('[data-test="password-ok"]')
    on_screen(page, "reset_new_pin")
    page.fill('[data-test="new-pin"]', "2468")
    page.fill('[data-test="new-pin-again"]', "2468")
    page.click('[data-test="new-pin-ok"]')
    on_screen(page, "reset_done")
    slot.remove()
    on_screen(page, "insert_card")
    start_reset(page, url, lambda: slot.insert(VirtualCard.load(path)))
    assert "使われています" in refused_with(page, "RESET_RESERVATION_USED", "refused-used")


def test_a_locked_signature_password_sends_the_resident_to_the_office(
    kiosk,
    page,
    cards: Path,
    data_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    url, slot, _ = kiosk
    path = cards / "suzuki-ichiro.json"
    reserve(data_dir, path)
    start_reset(page, url, lambda: slot.insert(VirtualCard.load(path)))
    for left in (4, 3, 2, 1):
        on_screen(page, "reset_signature_pin")
        page.fill('[data-test="password"]', "WRONG123")
        page.click('[data-test="password-ok"]')
        page.wait_for_selector(f'[data-test="tries"]:has-text("{left}")')
    page.fill('[data-test="password"]', "WRONG123")
    page.click('[data-test="password-ok"]')
    assert "窓口" in refused_with(page, "SIGNATURE_PIN_LOCKED", "refused-signature-locked")
    page.click('[data-test="language"]')
    assert "municipal office" in page.inner_text("main")
    shot(page, "refused-signature-locked-en")

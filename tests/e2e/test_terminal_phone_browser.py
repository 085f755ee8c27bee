"""A browser on the terminal's touch screen with a phone held to the reader, screen by screen:
an Android phone (its certificate's PIN on the kiosk), an iPhone (Face ID, no PIN), a refusal."""

from __future__ import annotations

from pathlib import Path

from kiosk_terminal.virtual_phone import VirtualPhone
from tests.e2e.test_headless_kiosk import centre  # noqa: F401  (the running `kofu serve`)
from tests.e2e.test_terminal_browser import (  # noqa: F401  (fixtures)
    browser,
    kiosk,
    on_screen,
    page,
    pcsc_kiosk,
    shot,
)
from tests.integration.test_pcsc_reader import pcscd  # noqa: F401  (a private pcscd)
from tests.support.phones import ANDROID, IPHONE, phones


def assert_drawn(page, *icons: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The icons are drawings the resident sees, not characters a font may lack (an empty box)."""
    for icon in icons:
        box = page.locator(f'[data-test="{icon}"]').bounding_box()
        assert box and box["width"] > 40 and box["height"] > 40
    text = page.inner_text("main")
    assert not any(glyph in text for glyph in "\u25ad\u25af")


def hold_and_choose(page, url: str, daemon, phone: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.goto(url)
    on_screen(page, "insert_card")
    assert "スマートフォンをカードリーダーにかざしてください" in page.inner_text("main")
    assert_drawn(page, "card-icon", "phone-icon")
    shot(page, "1-hold-your-phone")
    daemon.insert(phone)  # a vicc process next to vpcd: the phone's applet
    on_screen(page, "choose")
    shot(page, "2-choose")
    page.click('input[name="members"][value="self"]')
    page.click('[data-test="next"]')


def test_an_android_phone_prints_a_juminhyo_with_its_own_pin_on_the_kiosk(
    pcsc_kiosk,  # type: ignore[no-untyped-def]  # noqa: F811
    page,  # noqa: F811
    data_dir: Path,
) -> None:
    url, daemon, printed = pcsc_kiosk
    hold_and_choose(page, url, daemon, phones(data_dir) / ANDROID)
    on_screen(page, "pin")
    assert "スマホ用利用者証明用電子証明書の暗証番号" in page.inner_text("main")
    page.fill('[data-test="pin"]', "2580")
    shot(page, "3-phone-pin")
    page.click('[data-test="pin-ok"]')
    on_screen(page, "confirm")
    shot(page, "4-confirm")
    page.click('[data-test="pay"]')
    on_screen(page, "done")
    assert "スマートフォンと証明書をお取りください" in page.inner_text("main")
    shot(page, "5-done")
    page.click('[data-test="language"]')
    assert "Please take your phone and your papers" in page.inner_text("main")
    shot(page, "6-done-en")
    assert len(list(printed.glob("*.pdf"))) == 1


def test_an_iphone_prints_a_juminhyo_after_face_id_without_a_pin(
    pcsc_kiosk,  # type: ignore[no-untyped-def]  # noqa: F811
    page,  # noqa: F811
    data_dir: Path,
) -> None:
    url, daemon, printed = pcsc_kiosk
    hold_and_choose(page, url, daemon, phones(data_dir) / IPHONE)
    on_screen(page, "device_auth")
    assert "Face ID" in page.inner_text("main") and not page.is_visible('[data-test="pin"]')
    assert_drawn(page, "phone-icon")
    shot(page, "3-face-id")
    page.click('[data-test="language"]')
    assert "No PIN is needed" in page.inner_text("main")
    shot(page, "3-face-id-en")
    page.click('[data-test="language"]')
    page.click('[data-test="device-ok"]')
    on_screen(page, "confirm")
    shot(page, "4-confirm")
    page.click('[data-test="pay"]')
    on_screen(page, "done")
    assert "スマートフォンと証明書をお取りください" in page.inner_text("main")
    shot(page, "5-done")
    assert len(list(printed.glob("*.pdf"))) == 1


def test_a_phone_set_up_from_a_card_since_reissued_is_told_what_to_do(
    kiosk,  # type: ignore[no-untyped-def]  # noqa: F811
    page,  # noqa: F811
    data_dir: Path,
) -> None:
    url, slot, _ = kiosk
    page.goto(url)
    on_screen(page, "insert_card")
    slot.insert(VirtualPhone.load(phones(data_dir) / "suzuki-ichiro-android-old.json"))
    on_screen(page, "refused")  # the centre checks the certificate before any PIN is asked
    assert page.inner_text('[data-test="code"]') == "PHONE_CARD_REISSUED"
    assert "再発行" in page.inner_text("main")
    shot(page, "refused")
    page.click('[data-test="language"]')
    assert "reissued" in page.inner_text("main")
    shot(page, "refused-en")


def test_a_lost_iphone_is_refused_on_screen(
    kiosk,  # type: ignore[no-untyped-def]  # noqa: F811
    page,  # noqa: F811
    data_dir: Path,
) -> None:
    url, slot, _ = kiosk
    page.goto(url)
    on_screen(page, "insert_card")
    slot.insert(VirtualPhone.load(phones(data_dir) / "yamada-ichiro-iphone-lost.json"))
    on_screen(page, "refused")  # at once: no Face ID asked for a lost phone
    assert page.inner_text('[data-test="code"]') == "PHONE_CERT_REVOKED"
    shot(page, "refused")

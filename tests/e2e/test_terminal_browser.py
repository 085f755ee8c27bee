"""A browser on the terminal's touch screen against a running centre, screen by screen."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update

from centre.database import normalise_url
from kiosk_terminal.card_slot import CardSlot, VirtualSlot
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.pcscd import PrivatePcscd
from kiosk_terminal.printing import FolderPrinter
from kiosk_terminal.terminal import Terminal
from kiosk_terminal.virtual_card import VirtualCard
from kiosk_terminal.web import create_app
from municipalities.model import CertificateOffering
from tests.e2e.test_headless_kiosk import centre  # noqa: F401  (the running `kofu serve`)
from tests.integration.test_pcsc_reader import READER, pcscd  # noqa: F401  (a private pcscd)
from tests.support.pdf import pdf_text, squeeze

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("test-output/terminal")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium; scripts/setup-system.sh)"
        if os.environ.get("KOFU_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            viewport={"width": 1280, "height": 1024},
        )
        yield context
        context.close()


@contextmanager
def serving(centre_url: str, data_dir: Path, slot: CardSlot, printed: Path) -> Iterator[str]:
    """The terminal in-process, its screen served on loopback, talking HTTP to the centre."""
    from werkzeug.serving import make_server

    token = json.loads((data_dir / "demo" / "kiosks.json").read_text())["K0003"]
    terminal = Terminal(slot, CentreClient(centre_url, token), FolderPrinter(printed))
    server = make_server("127.0.0.1", 0, create_app(terminal), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def kiosk(centre, data_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    """A terminal whose card slot is in-process."""
    slot = VirtualSlot()
    with serving(centre[0], data_dir, slot, tmp_path / "printed") as url:
        yield url, slot, tmp_path / "printed"


@pytest.fixture
def pcsc_kiosk(pcscd, centre, data_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    """A terminal reading the card through pyscard → private pcscd → vpcd → virtual card."""
    from kiosk_terminal.pcsc import PcscReader

    reader = PcscReader(READER)
    try:
        with serving(centre[0], data_dir, reader, tmp_path / "printed") as url:
            yield url, pcscd, tmp_path / "printed"
    finally:
        for card in pcscd.cards:
            pcscd.remove(card)
        reader.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator:  # type: ignore[no-untyped-def]
    opened = browser.new_page()
    opened.set_default_timeout(20_000)
    opened.shot_prefix = request.node.name.removeprefix("test_")[:40]  # type: ignore[attr-defined]
    yield opened
    opened.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{page.shot_prefix}-{name}.png"), full_page=True)


def on_screen(page, screen: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f'body[data-screen="{screen}"]', timeout=60_000)


def insert_and_enter(
    page, url: str, slot: VirtualSlot | PrivatePcscd, card: Path, pin: str
) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    on_screen(page, "insert_card")
    shot(page, "1-insert-card")
    if isinstance(slot, PrivatePcscd):
        slot.insert(card)  # a vicc process next to vpcd, in pcscd's namespace
    else:
        slot.insert(VirtualCard.load(card))
    on_screen(page, "choose")
    shot(page, "2-choose")
    page.click('[data-test="next"]')
    on_screen(page, "pin")
    page.fill('[data-test="pin"]', pin)
    shot(page, "3-pin")
    page.click('[data-test="pin-ok"]')


def test_a_resident_prints_a_juminhyo_through_the_screens(kiosk, page, cards: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, printed = kiosk
    insert_and_enter(page, url, slot, cards / "yamada-taro.json", "1234")
    on_screen(page, "confirm")
    assert "¥" in page.inner_text('[data-test="fee"]')
    shot(page, "4-confirm")
    page.click('[data-test="pay"]')
    on_screen(page, "done")
    shot(page, "5-done")
    assert "カードと証明書をお取りください" in page.inner_text("main")
    page.click('[data-test="language"]')
    assert "Please take your card and your papers" in page.inner_text("main")
    shot(page, "6-done-en")
    assert len(list(printed.glob("*.pdf"))) == 1


def test_over_pcscd_a_resident_prints_a_juminhyo_through_the_screens(
    pcsc_kiosk, page, cards: Path
) -> None:  # type: ignore[no-untyped-def]
    url, daemon, printed = pcsc_kiosk
    insert_and_enter(page, url, daemon, cards / "yamada-taro.json", "1234")
    on_screen(page, "confirm")
    assert "¥" in page.inner_text('[data-test="fee"]')
    shot(page, "4-confirm")
    page.click('[data-test="pay"]')
    on_screen(page, "done")
    assert "カードと証明書をお取りください" in page.inner_text("main")
    shot(page, "5-done")
    assert len(list(printed.glob("*.pdf"))) == 1


def test_a_wrong_pin_shows_the_tries_left_then_the_right_pin_goes_on(
    kiosk, page, cards: Path
) -> None:  # type: ignore[no-untyped-def]
    url, slot, _ = kiosk
    insert_and_enter(page, url, slot, cards / "yamada-hanako.json", "9999")
    on_screen(page, "pin")
    assert "あと2回" in page.inner_text('[data-test="pin-notice"]')
    assert page.inner_text('[data-test="tries"]').endswith("2")
    shot(page, "4-wrong-pin")
    page.fill('[data-test="pin"]', "1234")
    page.click('[data-test="pin-ok"]')
    on_screen(page, "confirm")


def test_a_resident_picks_household_members_by_name_with_large_targets(
    kiosk, page, cards: Path
) -> None:  # type: ignore[no-untyped-def]
    url, slot, printed = kiosk
    page.goto(url)
    on_screen(page, "insert_card")
    slot.insert(VirtualCard.load(cards / "yamada-taro.json"))
    on_screen(page, "choose")
    page.click('[data-test="members-some"]')
    shot(page, "2-choose-some")
    page.click('[data-test="next"]')
    on_screen(page, "pin")
    page.fill('[data-test="pin"]', "1234")
    page.click('[data-test="pin-ok"]')
    on_screen(page, "members")
    people = page.locator("label.person")
    assert people.count() > 2 and "世帯主" in page.inner_text("main")
    assert all(people.nth(i).bounding_box()["height"] >= 96 for i in range(people.count()))
    page.locator("label.person", has_text="花子").click()
    shot(page, "4-members")
    page.click('[data-test="members-ok"]')
    on_screen(page, "confirm")
    shown = page.inner_text('[data-test="members"]')
    assert "花子" in shown and "太郎" in shown and shown.count("、") == 1
    shot(page, "5-confirm")
    page.click('[data-test="pay"]')
    on_screen(page, "done")
    assert len(list(printed.glob("*.pdf"))) == 1


def test_an_income_certificate_shows_the_tax_years_in_the_japanese_era(
    kiosk, page, cards: Path
) -> None:  # type: ignore[no-untyped-def]
    url, slot, printed = kiosk
    page.goto(url)
    on_screen(page, "insert_card")
    slot.insert(VirtualCard.load(cards / "suzuki-ichiro.json"))
    on_screen(page, "choose")
    assert not page.is_visible('[data-test="tax-years"]')
    page.click('input[name="certificate"][value="shotoku"]')
    years = page.inner_text('[data-test="tax-years"]')
    assert years.count("令和") == 2 and "年度" in years
    assert not page.is_visible('input[name="members"][value="some"]')
    shot(page, "2-choose-tax-year")
    page.locator('[data-test="tax-years"] label').nth(1).click()
    page.click('[data-test="next"]')
    on_screen(page, "pin")
    page.fill('[data-test="pin"]', "1234")
    page.click('[data-test="pin-ok"]')
    on_screen(page, "confirm")
    assert page.inner_text('[data-test="tax-year"]') == years.split()[-1]
    shot(page, "4-confirm")
    page.click('[data-test="pay"]')
    on_screen(page, "done")
    assert len(list(printed.glob("*.pdf"))) == 1


def test_a_locked_card_is_sent_to_the_counter(kiosk, page, cards: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, _ = kiosk
    page.goto(url)
    on_screen(page, "insert_card")
    slot.insert(VirtualCard.load(cards / "ito-mai.json"))
    on_screen(page, "refused")
    assert page.inner_text('[data-test="code"]') == "PIN_LOCKED"
    assert "窓口" in page.inner_text("main")
    shot(page, "refused")
    page.click('[data-test="language"]')
    assert "counter" in page.inner_text("main")
    shot(page, "refused-en")


def test_a_dv_protected_resident_is_told_to_go_to_the_counter(kiosk, page, cards: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, _ = kiosk
    insert_and_enter(page, url, slot, cards / "sato-hanako.json", "1234")
    on_screen(page, "refused")
    assert page.inner_text('[data-test="code"]') == "DV_PROTECTED"
    assert "窓口" in page.inner_text("main")
    shot(page, "4-refused")
    slot.remove()
    page.click('[data-test="start-over"]')
    on_screen(page, "insert_card")


DAY_CLASSES = ("weekday", "saturday", "holiday")


@pytest.fixture
def closed_now(data_dir: Path) -> None:
    """This test's copy of the database: every offering closed on every day (平日 / 土曜 /
    日曜・祝日), so at this hour too."""
    closed = {f"{day}_{end}": None for day in DAY_CLASSES for end in ("opens", "closes")}
    engine = create_engine(normalise_url(f"sqlite:///{data_dir / 'kofu.sqlite3'}"))
    with engine.begin() as connection:
        connection.execute(update(CertificateOffering).values(**closed))
    engine.dispose()


def test_out_of_hours_says_when_to_come_back(closed_now, kiosk, page, cards: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, _ = kiosk
    insert_and_enter(page, url, slot, cards / "yamada-taro.json", "1234")
    on_screen(page, "refused")
    assert page.inner_text('[data-test="code"]') == "OUT_OF_HOURS"
    assert "利用時間" in page.inner_text("main")
    shot(page, "4-refused")


def test_a_resident_picks_whose_fuhyo_from_the_koseki_on_screen(kiosk, page, cards: Path) -> None:  # type: ignore[no-untyped-def]
    url, slot, printed = kiosk
    page.goto(url)
    on_screen(page, "insert_card")
    slot.insert(VirtualCard.load(cards / "yamada-taro.json"))
    on_screen(page, "choose")
    page.check('input[name="certificate"][value="koseki_fuhyo"]')
    page.click('[data-test="koseki-some"]')
    assert page.is_hidden('[data-test="members-some"]')  # the 住民票 household choice is not shown
    shot(page, "2-choose-koseki-some")
    page.click('[data-test="next"]')
    on_screen(page, "pin")
    page.fill('[data-test="pin"]', "1234")
    page.click('[data-test="pin-ok"]')
    on_screen(page, "members")
    assert "どなたの附票" in page.inner_text("main")
    people = page.locator("label.person")
    assert people.count() >= 4
    assert all(people.nth(i).bounding_box()["height"] >= 96 for i in range(people.count()))
    page.locator("label.person", has_text="花子").click()
    shot(page, "4-members")
    page.click('[data-test="members-ok"]')
    on_screen(page, "confirm")
    assert page.inner_text('[data-test="members"]').strip() == "花子"
    shot(page, "5-confirm")
    page.click('[data-test="pay"]')
    on_screen(page, "done")
    (pdf,) = printed.glob("*.pdf")
    text = squeeze(pdf_text(pdf.read_bytes()))
    assert "戸籍の附票の写し" in text and "花子" in text

"""A recipient opens the QR code's page in a browser: genuine for a printed copy, not for a fake."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from tests.e2e.test_headless_kiosk import centre, kiosk_issue  # noqa: F401  (`kofu serve`)
from tests.e2e.test_terminal_browser import browser  # noqa: F401  (Debian's chromium)
from tests.support.pdf import qr_payloads

SHOTS = Path("test-output/verify")


def printed_token(env: dict[str, str], url: str, card: Path, out: Path) -> str:
    done = kiosk_issue(env, url, card, out, "--members", "self")
    assert done.returncode == 0, done.stderr
    [payload] = qr_payloads(out.read_bytes())
    return parse_qs(urlparse(payload).query)["t"][0]


def opened(browser, url: str, token: str, name: str) -> str:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page()
    try:
        page.set_default_timeout(20_000)
        page.goto(f"{url}/verify?t={token}")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        return page.inner_text("body")
    finally:
        page.close()


def test_the_verify_page_shows_a_printed_certificate_as_genuine_and_a_forgery_as_not(
    browser,  # type: ignore[no-untyped-def]  # noqa: F811
    centre: tuple[str, dict[str, str]],  # noqa: F811
    cards: Path,
    tmp_path: Path,
) -> None:
    url, env = centre
    token = printed_token(env, url, cards / "yamada-taro.json", tmp_path / "printed.pdf")
    genuine = opened(browser, url, token, "genuine")
    assert "本物の証明書です" in genuine and "千代田区" in genuine and "山田" not in genuine
    forged = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    fake = opened(browser, url, forged, "forged")
    assert "偽造の可能性" in fake and "本物の証明書です" not in fake


def test_a_recipient_uploads_an_electronic_copy_on_the_page(
    browser,  # type: ignore[no-untyped-def]  # noqa: F811
    centre: tuple[str, dict[str, str]],  # noqa: F811
    cards: Path,
    tmp_path: Path,
) -> None:
    url, env = centre
    copy = tmp_path / "received.pdf"
    printed_token(env, url, cards / "yamada-taro.json", copy)
    page = browser.new_page()
    try:
        page.set_default_timeout(20_000)
        page.goto(f"{url}/verify")
        page.set_input_files("#pdf", str(copy))
        page.click("#check-pdf")
        page.wait_for_selector("#result")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "uploaded-copy.png"), full_page=True)
        text = page.inner_text("body")
    finally:
        page.close()
    assert "本物の証明書です" in text and "千代田区" in text and "山田" not in text
    assert "電子署名" in text

"""`kofu jpki reset-reservation`, then `kofu-kiosk reset-pin` against `kofu serve`, then the
card issues with its new PIN and no longer with the old one: real processes end to end."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e import test_headless_kiosk as headless
from tests.e2e.test_headless_kiosk import kiosk_issue
from tests.support.pdf import pdf_text, squeeze
from tests.support.services import KOFU, KOFU_KIOSK

centre = headless.centre  # the fixture: `kofu serve` on a free loopback port


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), env=env, capture_output=True, text=True, timeout=90, check=False
    )


def reset_pin(env: dict[str, str], url: str, card: Path, password: str, new_pin: str):  # type: ignore[no-untyped-def]
    return run(
        env,
        KOFU_KIOSK,
        "reset-pin",
        "--card",
        str(card),
        "--signature-password",
        password,
        "--new-pin",
        new_pin,
        "--centre",
        url,
        "--kiosk",
        "K0002",
    )


def test_a_reset_pin_issues_a_juminhyo_and_the_old_pin_no_longer_does(
    centre: tuple[str, dict[str, str]], cards: Path, tmp_path: Path
) -> None:
    url, env = centre
    card = cards / "yamada-taro.json"
    refused = reset_pin(env, url, card, "KOFU2026", "2580")
    assert refused.returncode == 2 and "NO_RESET_RESERVATION" in refused.stderr
    reserved = run(env, KOFU, "jpki", "reset-reservation", "--card", str(card))
    assert reserved.returncode == 0, reserved.stderr
    wrong = reset_pin(env, url, card, "NOTMINE99", "2580")
    assert wrong.returncode == 2 and "WRONG_SIGNATURE_PIN" in wrong.stderr
    assert "あと4回" in wrong.stderr
    done = reset_pin(env, url, card, "KOFU2026", "2580")
    assert done.returncode == 0, done.stderr
    again = reset_pin(env, url, card, "KOFU2026", "1111")
    assert again.returncode == 2 and "RESET_RESERVATION_USED" in again.stderr

    old = kiosk_issue(env, url, card, tmp_path / "old.pdf", "--members", "self", pin="1234")
    assert old.returncode == 2 and "WRONG_PIN" in old.stderr
    out = tmp_path / "juminhyo.pdf"
    issued = kiosk_issue(env, url, card, out, "--members", "self", pin="2580")
    assert issued.returncode == 0, issued.stderr
    assert "山田太郎" in squeeze(pdf_text(out.read_bytes()))

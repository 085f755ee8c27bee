"""`kofu-kiosk issue --phone` against `kofu serve`, and `kofu jpki` acting on cards and phones."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e.test_headless_kiosk import centre  # noqa: F401  (the running `kofu serve`)
from tests.support.pdf import pdf_text, squeeze
from tests.support.phones import ANDROID, IPHONE, phones
from tests.support.services import KOFU_KIOSK

KOFU = str(Path(KOFU_KIOSK).with_name("kofu"))


def kiosk_issue(env: dict[str, str], url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KOFU_KIOSK, "issue", "--centre", url, "--kiosk", "K0002", "--members", "self", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def kofu(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [KOFU, *args], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def test_an_iphone_needs_no_pin_and_an_android_phone_its_own(
    centre: tuple[str, dict[str, str]],  # noqa: F811
    data_dir: Path,
    tmp_path: Path,
) -> None:
    url, env = centre
    out = tmp_path / "iphone.pdf"
    done = kiosk_issue(env, url, "--phone", str(phones(data_dir) / IPHONE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "山田花子" in squeeze(pdf_text(out.read_bytes()))
    wrong = kiosk_issue(
        env, url, "--phone", str(phones(data_dir) / ANDROID), "--pin", "1234", "--out", "x.pdf"
    )
    assert wrong.returncode == 2 and "WRONG_PIN" in wrong.stderr
    out = tmp_path / "android.pdf"
    args = ("--phone", str(phones(data_dir) / ANDROID), "--pin", "2580", "--out", str(out))
    assert kiosk_issue(env, url, *args).returncode == 0
    assert "山田太郎" in squeeze(pdf_text(out.read_bytes()))


def test_kofu_jpki_loses_a_phone_issues_another_and_reissues_the_card(
    centre: tuple[str, dict[str, str]],  # noqa: F811
    data_dir: Path,
    cards: Path,
    tmp_path: Path,
) -> None:
    url, env = centre
    iphone = str(phones(data_dir) / IPHONE)
    kofu(env, "jpki", "lose-phone", iphone)
    lost = kiosk_issue(env, url, "--phone", iphone, "--out", str(tmp_path / "x.pdf"))
    assert lost.returncode == 2 and "PHONE_CERT_REVOKED" in lost.stderr
    new_phone = tmp_path / "new-iphone.json"
    card = str(cards / "yamada-hanako.json")
    kofu(env, "jpki", "issue-phone", card, "--platform", "iphone", "--out", str(new_phone))
    args = ("--phone", str(new_phone), "--out", str(tmp_path / "new.pdf"))
    assert kiosk_issue(env, url, *args).returncode == 0
    # both phones of the card: the lost one (already revoked) and the new one
    assert "2 phone certificate(s) revoked" in kofu(env, "jpki", "reissue-card", card)
    reissued = kiosk_issue(env, url, *args)
    assert reissued.returncode == 2 and "PHONE_CARD_REISSUED" in reissued.stderr
    # the new card is linked from tomorrow (DOMAIN §2), and says so
    refused = kiosk_issue(env, url, "--card", card, "--pin", "1234", "--out", "y.pdf")
    assert refused.returncode == 2 and "CARD_NOT_YET_USABLE" in refused.stderr

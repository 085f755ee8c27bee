"""The README's promise: `kofu serve` on the embedded default, `kofu-kiosk issue` against it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from demo.loader import juminhyo_code
from tests.support.pdf import pdf_text, squeeze
from tests.support.services import KOFU_KIOSK, centre_process


@pytest.fixture
def centre(data_dir: Path, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`kofu serve` (gunicorn, SQLite, in-process jobs) on a free loopback port, stopped by PID."""
    env = {**os.environ, "KOFU_DATA_DIR": str(data_dir)}
    env.pop("KOFU_REDIS_URL", None)
    env.pop("KOFU_DATABASE_URL", None)
    with centre_process(env, tmp_path / "serve.log") as url:
        yield url, env


def kiosk_issue(
    env: dict[str, str], url: str, card: Path, out: Path, *extra: str, pin: str = "1234"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            KOFU_KIOSK,
            "issue",
            "--card",
            str(card),
            "--pin",
            pin,
            "--certificate",
            "juminhyo",
            "--centre",
            url,
            "--kiosk",
            "K0002",
            "--out",
            str(out),
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def test_kofu_kiosk_issue_prints_the_household_and_is_metered(
    centre: tuple[str, dict[str, str]], cards: Path, tmp_path: Path
) -> None:
    url, env = centre
    out = tmp_path / "juminhyo.pdf"
    done = kiosk_issue(env, url, cards / "yamada-taro.json", out, "--members", "all")
    assert done.returncode == 0, done.stderr
    text = squeeze(pdf_text(out.read_bytes()))
    for name in ("山田太郎", "山田花子", "山田一郎", "山田さくら"):
        assert name in text
    metrics = requests.get(url + "/metrics", timeout=5).text
    assert 'kofu_certificates_printed_total{certificate="juminhyo"} 1.0' in metrics
    assert "kofu_request_to_ready_seconds_count 1.0" in metrics


def test_kofu_kiosk_issue_with_a_next_generation_p384_card_file(
    centre: tuple[str, dict[str, str]], cards: Path, tmp_path: Path, data_dir: Path
) -> None:
    """yamada-hanako's card file holds a P-384 key: the kiosk signs the raw SHA-384 digest."""
    url, env = centre
    out = tmp_path / "juminhyo-p384.pdf"
    done = kiosk_issue(env, url, cards / "yamada-hanako.json", out, "--members", "all")
    assert done.returncode == 0, done.stderr
    printed = squeeze(pdf_text(out.read_bytes()))
    assert "山田花子" in printed and "山田太郎" in printed
    engine = create_engine(f"sqlite:///{data_dir / 'kofu.sqlite3'}")
    with engine.connect() as connection:
        generations = connection.execute(
            text("SELECT card_generation FROM issuance_kiosk_session")
        ).scalars()
        assert list(generations) == ["p384"]
    engine.dispose()


def test_a_refusal_exits_non_zero_with_its_code_and_both_messages(
    centre: tuple[str, dict[str, str]], cards: Path, tmp_path: Path
) -> None:
    url, env = centre
    refused = kiosk_issue(env, url, cards / "sato-hanako.json", tmp_path / "never.pdf")
    assert refused.returncode == 2
    assert "DV_PROTECTED" in refused.stderr
    assert "窓口" in refused.stderr and "counter" in refused.stderr
    assert not (tmp_path / "never.pdf").exists()


def test_a_wrong_pin_reports_the_tries_left_and_never_signs_in(
    centre: tuple[str, dict[str, str]], cards: Path, tmp_path: Path
) -> None:
    """The certificate went to the centre first (its revocation checked before any PIN);
    the wrong PIN stops there: no answer to the challenge is sent."""
    url, env = centre
    wrong = kiosk_issue(env, url, cards / "yamada-hanako.json", tmp_path / "x.pdf", pin="9999")
    assert wrong.returncode == 2
    assert "WRONG_PIN" in wrong.stderr and "2 more wrong tries" in wrong.stderr
    metrics = requests.get(url + "/metrics", timeout=5).text
    assert 'endpoint="/v1/sessions"' in metrics
    assert '/authenticate"' not in metrics


def test_a_moved_resident_gets_the_former_municipalitys_income_certificate(
    centre: tuple[str, dict[str, str]], cards: Path, tmp_path: Path
) -> None:
    """課税証明書の広域交付: 鈴木一郎 lived in 草加市 on 1 January and has moved to 千代田区."""
    url, env = centre
    out = tmp_path / "shotoku.pdf"
    done = kiosk_issue(env, url, cards / "suzuki-ichiro.json", out, "--certificate", "shotoku")
    assert done.returncode == 0, done.stderr
    text = squeeze(pdf_text(out.read_bytes()))
    assert "所得証明書" in text and "鈴木一郎" in text
    assert "埼玉県草加市長" in text  # issued by the former municipality
    assert "埼玉県草加市住吉一丁目10番5号" in text  # the address on 1 January
    assert "神田神保町" not in text  # not today's address


def test_a_household_member_the_index_knows_as_deceased_is_never_printed_or_charged(
    centre: tuple[str, dict[str, str]], cards: Path, tmp_path: Path, data_dir: Path
) -> None:
    """Issue 11: the index says 山田花子 is deceased, 千代田区's BCL extract still lists her."""
    url, env = centre
    engine = create_engine(f"sqlite:///{data_dir / 'kofu.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE issuance_resident SET status = 'deceased' WHERE juminhyo_code = :code"),
            {"code": juminhyo_code(2)},
        )
    whole = tmp_path / "whole.pdf"
    refused = kiosk_issue(env, url, cards / "yamada-taro.json", whole, "--members", "all")
    assert refused.returncode == 2
    assert "RECORDS_OUT_OF_SYNC" in refused.stderr and "窓口" in refused.stderr
    assert not whole.exists()
    metrics = requests.get(url + "/metrics", timeout=5).text
    assert 'kofu_records_out_of_sync_total{municipality="131016"} 1.0' in metrics
    assert "kofu_certificates_printed_total{" not in metrics
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM billing_event")) == 0
        alarm = connection.execute(
            text("SELECT municipality_code, failed_check FROM issuance_out_of_sync_alarm")
        ).all()
    assert [tuple(a) for a in alarm] == [("131016", "deceased")]
    own = tmp_path / "own.pdf"
    done = kiosk_issue(env, url, cards / "yamada-taro.json", own, "--members", "self")
    assert done.returncode == 0, done.stderr
    text_of = squeeze(pdf_text(own.read_bytes()))
    assert "山田太郎" in text_of and "山田花子" not in text_of
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM billing_event")) == 1
    engine.dispose()

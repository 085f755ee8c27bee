"""`kofu staff add`, `kofu demo staff`: accounts from the command line, demo codes printed."""

from __future__ import annotations

from pathlib import Path

import pyotp
from click.testing import CliRunner

from cli.main import main
from demo.staff import DEMO_STAFF


def kofu(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"KOFU_DATA_DIR": str(data_dir)})
    return result.exit_code, result.output


def test_staff_add_prints_a_one_time_password_once(data_dir: Path) -> None:
    code, out = kofu(
        data_dir,
        "staff",
        "add",
        "--login",
        "Clerk@Chiyoda.example.jp",
        "--role",
        "municipal_viewer",
        "--municipality",
        "131016",
    )
    assert code == 0, out
    assert "clerk@chiyoda.example.jp (municipal_viewer)" in out
    assert "one-time password (shown once): " in out


def test_staff_add_refuses_a_role_without_its_tenant_in_both_languages(data_dir: Path) -> None:
    code, out = kofu(
        data_dir, "staff", "add", "--login", "x@y.example.jp", "--role", "kiosk_operator"
    )
    assert code == 1
    assert "STAFF_TENANT_MISMATCH" in out and "役割と所属が一致しません" in out
    assert "do not match" in out


def test_demo_staff_lists_every_demo_account_with_a_current_code(data_dir: Path) -> None:
    code, out = kofu(data_dir, "demo", "staff")
    assert code == 0
    for staff in DEMO_STAFF:
        line = next(line for line in out.splitlines() if line.startswith(staff.login))
        shown = line.split("TOTP now ")[1].split()[0]
        totp = pyotp.TOTP(staff.totp_secret)
        assert totp.verify(shown, valid_window=1) and staff.password in line

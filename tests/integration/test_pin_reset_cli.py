"""`kofu jpki reset-reservation`: the PIN reset app's stand-in, from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from cli.pin_reset import serial_of_card_file


def kofu(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"KOFU_DATA_DIR": str(data_dir)})
    return result.exit_code, result.output


def test_a_reservation_by_card_file_or_by_serial_names_the_same_card(
    data_dir: Path, cards: Path
) -> None:
    serial = serial_of_card_file(cards / "yamada-taro.json")
    code, by_card = kofu(
        data_dir, "jpki", "reset-reservation", "--card", str(cards / "yamada-taro.json")
    )
    assert code == 0, by_card
    code, by_serial = kofu(data_dir, "jpki", "reset-reservation", "--serial", f"0x{serial:X}")
    assert code == 0, by_serial
    for output in (by_card, by_serial):
        assert f"certificate serial {serial:x} valid until" in output


def test_one_card_must_be_named(data_dir: Path, tmp_path: Path) -> None:
    assert kofu(data_dir, "jpki", "reset-reservation")[0] == 2
    assert kofu(data_dir, "jpki", "reset-reservation", "--serial", "not-hex")[0] == 2
    not_a_card = tmp_path / "notes.json"
    not_a_card.write_text("{}")
    code, output = kofu(data_dir, "jpki", "reset-reservation", "--card", str(not_a_card))
    assert code == 1 and "not a card file" in output

"""A month's statement as an accounting department files it: numbered, dated, from an issuer
with its registration number, to a recipient, lines count × unit price = amount with their tax
treatment, adjustments saying what they correct and why, the net, due date and payee; a draft
says so on every page; CSV with a BOM and Japanese headers, JSON beside it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner

from billing.ledger import correction_for, record_correction
from billing.months import JST
from centre.bootstrap import Platform
from cli.main import main
from issuance.calendar import to_wareki
from tests.integration.test_billing_statements import KUMIYAMA, SOKA, add_event, close
from tests.support.pdf import pdf_text, squeeze

OUT = Path("test-output/billing")
OPERATOR_NUMBER = re.compile(r"登録番号T\d9\d{11}")  # the demo operators' (demo/places.py)


def look(pdf: Path, name: str) -> None:
    """Every page as test-output/billing/<name>-N.png, to be looked at."""
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(OUT / name)], check=True)


def statement(settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    return CliRunner().invoke(main, ["billing", "statement", "--month", "2026-10", *args], env=env)


def october(platform: Platform) -> None:
    """草加市 in October: two 住民票 at ¥200 through seven, one 2-copy at ¥150 through lawson,
    and a refund of ¥50 on one of the first, recorded while October is still open."""
    for n in (1, 2):
        add_event(platform, n, SOKA, "seven")
    add_event(platform, 3, SOKA, "lawson", copies=2, fee=150)
    add_event(platform, 4, KUMIYAMA, "lawson", fee=100)
    with platform.uow() as uow:
        refund = correction_for(uow, "t00000001", "窓口で二重に徴収したため返金", -50)
        record_correction(uow, refund, platform.now().replace(year=2026, month=10, day=20))


def test_a_municipal_statement_carries_what_an_invoice_must(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    october(platform)
    close(platform, "2026-10")  # a draft
    pdf_path = tmp_path / "soka.pdf"
    written = statement(settings, "--municipality", SOKA, "--format", "pdf", "--out", str(pdf_path))
    assert written.exit_code == 0, written.output
    look(pdf_path, "statement-municipality-draft")
    text = squeeze(pdf_text(pdf_path.read_bytes()))
    assert "コンビニ交付月次精算書（下書き）" in text
    assert f"KOFU-202610-M-{SOKA}" in text and "草加市御中" in text
    assert "令和8年10月1日〜令和8年10月31日" in text
    assert "登録番号T7000012050002" in text  # the issuer's
    assert "住民票の写し2200400非課税" in text  # 2 × ¥200 = ¥400, not taxed
    assert "住民票の写し2150300非課税" in text  # the other unit fee, its own line
    assert "課税10%（税込）" in text and OPERATOR_NUMBER.search(text)  # the operator's
    assert "運営負担金（令和8年10月分）" in text and "年額の12分の1" in text
    assert "1416,666△416,666" in text
    assert "窓口で二重に徴収したため返金" in text and "t00000001" in text and "△50" in text
    issued = platform.now().astimezone(JST).date()
    assert f"発行日{to_wareki(issued)}" in text
    assert "支払期日：令和9年1月31日" in text  # issued in December: due at January's end
    assert "1/1ページ" in text

    data = json.loads(statement(settings, "--municipality", SOKA, "--format", "json").output)
    (soka,) = data
    assert sum(line["amount"] for line in soka["lines"]) == soka["net"]
    taxed = [t for t in soka["tax_summary"] if t["tax"] == "taxable_10"][0]
    assert taxed["consumption_tax"] == -(-taxed["total"] * 10 // 110)  # once, on the total


def test_an_operator_statement_is_split_by_municipality_and_the_csv_opens_in_excel(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    october(platform)
    close(platform, "2026-10", final=True)
    raw = tmp_path / "lawson.csv"
    assert statement(settings, "--operator", "lawson", "--out", str(raw)).exit_code == 0
    data = raw.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("明細書番号,対象月,状態,宛先区分")
    assert any(f",{SOKA}," in r and "草加市 住民票の写し" in r and ",2,150,300," in r for r in rows)
    assert any(f",{KUMIYAMA}," in r and "久御山町 住民票の写し" in r for r in rows)
    assert all(",確定," in r for r in rows[1:])

    pdf_path = tmp_path / "lawson.pdf"
    answer = statement(settings, "--operator", "lawson", "--format", "pdf", "--out", str(pdf_path))
    assert answer.exit_code == 0, answer.output
    look(pdf_path, "statement-operator-final")
    text = squeeze(pdf_text(pdf_path.read_bytes()))
    assert "下書き" not in text  # final: no draft mark
    assert "貴社から当センターへのお支払額" in text
    assert len(OPERATOR_NUMBER.findall(text)) == 2  # its own number on each commission line

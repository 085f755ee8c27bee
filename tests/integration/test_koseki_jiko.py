"""The 戸籍事項 travels from the BCL extract to the printed 戸籍全部事項証明書."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from centre.bootstrap import Platform
from issuance.records import RecordQuery
from municipalities.bcl import BclHousehold, BclPerson
from municipalities.bcl_import import import_extract
from municipalities.bcl_records import koseki_of
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, squeeze

KUMIYAMA = "263222"


def test_the_demo_koseki_prints_when_the_register_was_compiled(
    kiosk: TestKiosk, cards: Path
) -> None:
    _, pdf = kiosk.issue(cards / "yamada-taro.json", certificate="koseki_zenbu")
    text = squeeze(pdf_text(pdf))
    # The demo register was made by the 2006-06-01 marriage that founded it.
    assert "戸籍事項戸籍編製【編製日】平成１８年６月１日" in text
    assert text.index("戸籍事項") < text.index("戸籍に記録されている者")


def _koseki_row(code: str, **dates: str) -> dict[str, Any]:
    member = {"juminhyo_code": code, "name": "誠", "birth_date": "1965-03-03", "sex": "男"}
    return {
        "id": "K-TANAKA",
        "honseki": "京都府久世郡久御山町佐山1番地",
        "hittousha": "田中　誠",
        **dates,
        "members": [{**member, "relationship": "長男"}],
    }


def _tanaka(platform: Platform) -> str:
    with platform.uow() as uow:
        return uow.session.scalars(
            select(BclPerson.juminhyo_code)
            .join(BclHousehold)
            .where(BclHousehold.municipality_code == KUMIYAMA, BclPerson.name == "田中　誠")
        ).one()


def _imported(platform: Platform, row: dict[str, Any], code: str) -> Any:
    with platform.uow() as uow:
        # The 附票 hang on the 戸籍 replaced: the file gives them too (here: none).
        import_extract(uow, KUMIYAMA, {"municipality_code": KUMIYAMA, "koseki": [row], "fuhyo": []})
    with platform.uow() as uow:
        return koseki_of(uow, RecordQuery("r1", KUMIYAMA, code))


def test_an_extract_gives_the_compilation_and_remaking_dates(platform: Platform) -> None:
    code = _tanaka(platform)
    row = _koseki_row(code, compiled_on="1990-11-03", remade_on="2004-03-06")
    koseki = _imported(platform, row, code)
    assert koseki.compiled_on == date(1990, 11, 3) and koseki.remade_on == date(2004, 3, 6)


def test_an_extract_written_before_the_dates_existed_still_imports(platform: Platform) -> None:
    code = _tanaka(platform)
    koseki = _imported(platform, _koseki_row(code), code)
    assert koseki.hittousha == "田中　誠"
    assert koseki.compiled_on is None and koseki.remade_on is None

"""Every 第30条の45 category imports from a BCL extract and prints; bad shapes are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from centre.bootstrap import Platform
from centre.settings import Settings
from cli.main import main
from municipalities.bcl import BclPerson
from tests.support.items import items_present
from tests.support.kiosk import TestKiosk
from tests.support.pdf import page_one_png, pdf_items

SOKA = "112216"
COMMON = {"nationality": "ベトナム", "became_foreign_resident_on": "2019-04-01"}
ALIAS = {"alias": "中村　安", "alias_kana": "ナカムラ　ヤス"}
# category → (its `foreign` object in the extract, the items its 住民票 prints beyond everyone's)
CATEGORIES: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "中長期在留者": (
        {
            "category": "中長期在留者",
            **ALIAS,
            "status_of_residence": "技能実習",
            "period_of_stay": "1年",
            "period_expires_on": "2027-06-30",
            "residence_card_number": "AB12345678CD",
        },
        {
            "在留資格": "技能実習",
            "在留期間": "1年",
            "在留期間の満了の日": "令和9年6月30日",
            "在留カードの番号": "AB12345678CD",
        },
    ),
    "永住者": (  # the observed bug: no 在留期間, no expiry
        {
            "category": "中長期在留者",
            **ALIAS,
            "status_of_residence": "永住者",
            "residence_card_number": "AB12345678CD",
        },
        {"在留資格": "永住者", "在留カードの番号": "AB12345678CD"},
    ),
    "特別永住者": (
        {"category": "特別永住者", **ALIAS, "certificate_number": "SP20481735KR"},
        {"特別永住者証明書の番号": "SP20481735KR"},
    ),
    "一時庇護許可者": (
        {
            "category": "一時庇護許可者",
            "landing_period": "6月",
            "landing_period_expires_on": "2027-03-31",
        },
        {"上陸期間": "6月", "上陸期間の満了の日": "令和9年3月31日"},
    ),
    "仮滞在許可者": (
        {
            "category": "仮滞在許可者",
            "provisional_stay_period": "3月",
            "provisional_stay_expires_on": "2027-01-31",
        },
        {"仮滞在期間": "3月", "仮滞在期間の満了の日": "令和9年1月31日"},
    ),
    "出生による経過滞在者": ({"category": "出生による経過滞在者"}, {}),
    "国籍喪失による経過滞在者": ({"category": "国籍喪失による経過滞在者"}, {}),
}


def code_of(platform: Platform, name: str) -> str:
    with platform.uow() as uow:
        return uow.session.scalars(
            select(BclPerson.juminhyo_code).where(BclPerson.name == name)
        ).one()


def resident(code: str, name: str, foreign: dict[str, Any] | None, **items: Any) -> dict[str, Any]:
    row = {
        "juminhyo_code": code,
        "household_id": f"S{code}",
        "position": 0,
        "name": name,
        "name_kana": "グエン　ヴァン　アン",
        "birth_date": "1995-11-20",
        "sex": "男",
        "relationship": "世帯主",
        "became_resident_on": "2019-04-01",
        "address_since": "2019-04-01",
        "notified_on": "2019-04-03",
        **items,
    }
    return row | ({"foreign": {**COMMON, **foreign}} if foreign is not None else {})


def soka_extract(rows: list[dict[str, Any]], seals: list[dict[str, Any]]) -> dict[str, Any]:
    households = [
        {"id": r["household_id"], "address": "埼玉県草加市高砂二丁目7番1号", "head_name": r["name"]}
        for r in rows
    ]
    return {"municipality_code": SOKA, "households": households, "residents": rows, "seals": seals}


def run_import(settings: Settings, tmp_path: Path, data: dict[str, Any]) -> Any:
    path = tmp_path / "soka.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    return CliRunner().invoke(main, ["bcl", "import", SOKA, str(path)], env=env)


def seal(code: str, registered_in: str) -> dict[str, Any]:
    return {
        "juminhyo_code": code,
        "registration_number": "S-1",
        "registered_on": "2020-02-02",
        "impression": "data:image/svg+xml;base64,PHN2Zy8+",
        "registered_in": registered_in,
    }


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_each_category_imports_and_prints_its_items_only(
    settings: Settings,
    platform: Platform,
    kiosk: TestKiosk,
    cards: Path,
    tmp_path: Path,
    category: str,
) -> None:
    foreign, own_items = CATEGORIES[category]
    code = code_of(platform, "NGUYEN VAN AN")
    alias = "alias" in foreign
    data = soka_extract(
        [resident(code, "NGUYEN VAN AN", foreign)], [seal(code, "通称" if alias else "氏名")]
    )
    result = run_import(settings, tmp_path, data)
    assert result.exit_code == 0, result.output
    expected = {
        "外国人住民となった年月日": "平成31年4月1日",
        "国籍・地域": "ベトナム",
        "第30条の45に規定する区分": foreign["category"],
        **({"通称": "ナカムラヤス中村安"} if alias else {}),
        **own_items,
    }
    for kind, options in (("juminhyo", None), ("juminhyo_kisai", {"members": "self"})):
        _, pdf = TestKiosk(kiosk.client, kiosk.token).issue(
            cards / "nguyen-van-an.json", options, kind
        )
        page_one_png(pdf, f"categories/kiosk-{kind}-{category}")
        text = pdf_items(pdf)
        assert items_present(text) == set(expected), kind
        assert [label for label, value in expected.items() if label + value not in text] == []
    _, pdf = TestKiosk(kiosk.client, kiosk.token).issue(cards / "nguyen-van-an.json", None, "inkan")
    page_one_png(pdf, f"categories/kiosk-inkan-{category}")
    text = pdf_items(pdf)
    assert items_present(text) == ({"通称"} if alias else set())
    assert "氏名NGUYENVANAN" in text and (not alias or "通称中村安" in text)


def test_a_malformed_foreign_resident_is_refused_naming_row_and_field(
    settings: Settings, platform: Platform, kiosk: TestKiosk, cards: Path, tmp_path: Path
) -> None:
    codes = [code_of(platform, name) for name in ("NGUYEN VAN AN", "陳　美玲", "陳　浩")]
    special = {"category": "特別永住者", "certificate_number": "SP20481735KR"}
    no_period = {"category": "中長期在留者", "status_of_residence": "技能実習"}
    no_period["residence_card_number"] = "AB12345678CD"
    rows = [
        resident(codes[0], "NGUYEN VAN AN", no_period),
        resident(codes[1], "陳　美玲", {**special, "status_of_residence": "永住者"}),
        resident(codes[2], "陳　浩", special, honseki="埼玉県草加市1番", former_surname="森"),
    ]  # fmt: skip
    rows.append(resident(codes[2], "陳　浩", {"nationality": "中国"}))  # no category at all
    result = run_import(settings, tmp_path, soka_extract(rows, []))
    assert result.exit_code == 2
    for line in (
        "residents row 1 foreign.中長期在留者.period_of_stay: MISSING_FIELD",
        "residents row 1 foreign.中長期在留者.period_expires_on: MISSING_FIELD",
        "residents row 2 foreign.特別永住者.status_of_residence: UNKNOWN_FIELD",
        "residents row 3 honseki: NOT_ALLOWED",
        "residents row 3 former_surname: NOT_ALLOWED",
        "residents row 4 foreign: MISSING_FIELD",
    ):
        assert line in result.output
    assert "Traceback" not in result.output
    _, pdf = TestKiosk(kiosk.client, kiosk.token).issue(cards / "nguyen-van-an.json")
    assert "在留期間5年" in pdf_items(pdf)  # the data in use did not change


def test_a_seal_in_a_name_the_resident_does_not_have_is_refused(
    settings: Settings, platform: Platform, tmp_path: Path
) -> None:
    code = code_of(platform, "NGUYEN VAN AN")
    foreign = CATEGORIES["出生による経過滞在者"][0]  # no 通称
    data = soka_extract([resident(code, "NGUYEN VAN AN", foreign)], [seal(code, "通称")])
    result = run_import(settings, tmp_path, data)
    assert result.exit_code == 2
    assert "seals row 1 registered_in: NOT_REGISTERED_NAME" in result.output


def test_a_stored_record_that_fits_no_category_fails_the_request_at_once(
    platform: Platform, kiosk: TestKiosk, cards: Path
) -> None:
    with platform.uow() as uow:  # written around the import, as before this format
        uow.session.execute(
            update(BclPerson)
            .where(BclPerson.name == "NGUYEN VAN AN")
            .values(foreign={"nationality": "ベトナム", "status_of_residence": "永住者"})
        )
        uow.commit()
    assert kiosk.sign_in(cards / "nguyen-van-an.json").status_code == 200
    assert kiosk.refused_at_render("juminhyo", {"members": "all"}) == "RECORD_UNPRINTABLE"
    refused = kiosk.request(certificate="inkan")  # checked at submission: no job at all
    assert refused.status_code == 403 and refused.json["error"]["code"] == "RECORD_UNPRINTABLE"


class BrokenLayout:
    def render(self, doc: object) -> object:
        raise KeyError("period_expires_on")


def test_a_layout_that_raises_fails_the_request_at_once_with_a_code(
    platform: Platform, kiosk: TestKiosk, cards: Path
) -> None:
    platform.renderer = BrokenLayout()
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    assert kiosk.refused_at_render("juminhyo", {"members": "self"}) == "RENDER_FAILED"


@pytest.mark.parametrize(
    ("card", "kind", "shown"),
    [
        (
            "chen-meiling",
            "juminhyo",
            ("通称モリモトミレイ森本美玲", "在留資格永住者", "出生による経過滞在者"),
        ),
        ("chen-meiling", "inkan", ("氏名陳美玲", "通称森本美玲")),
        ("kim-youngchul", "juminhyo", ("区分特別永住者", "特別永住者証明書の番号SP20481735KR")),
        ("kim-youngchul", "inkan", ("通称金田英哲",)),
        ("takada-misaki", "juminhyo", ("旧氏モリ森", "住民となった年月日")),
        ("takada-misaki", "inkan", ("氏名高田美咲旧氏森",)),
    ],
)
def test_the_demo_residents_of_each_category_get_their_certificates(
    kiosk: TestKiosk, cards: Path, card: str, kind: str, shown: tuple[str, ...]
) -> None:
    _, pdf = kiosk.issue(cards / f"{card}.json", None, kind)
    page_one_png(pdf, f"categories/demo-{card}-{kind}")
    text = pdf_items(pdf)
    assert [item for item in shown if item not in text] == []
    assert "在留期間" not in text

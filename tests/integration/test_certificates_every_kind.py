"""Every kind, issued from demo data through the kiosk, reads right and verifies from its QR."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import update

from centre.bootstrap import Platform
from municipalities.bcl_records import BclTaxAssessment
from tests.support.kiosk import TestKiosk
from tests.support.pdf import page_one_png, pdf_text, qr_payloads, save, squeeze

OTHER_PEOPLE = ("鈴木", "佐藤", "田中", "伊藤", "雨畑", "NGUYEN", "グエン", "加藤", "渡辺", "小林")
# kind -> (card, options, what must be printed, what must not)
KINDS: dict[str, tuple[str, dict | None, tuple[str, ...], tuple[str, ...]]] = {
    "juminhyo": (
        "yamada-taro",
        None,
        ("住民票（写し）", "山田太郎", "やまだたろう", "世帯主", "東京都千代田区長"),
        (),
    ),
    "juminhyo_kisai": (
        "yamada-taro",
        {"members": "self"},
        ("住民票記載事項証明書", "山田太郎", "住民票の原本に記載されている"),
        ("山田花子",),
    ),
    "inkan": (
        "yamada-taro",
        None,
        ("印鑑登録証明書", "印影", "登録番号", "山田太郎", "生年月日", "登録されている印影"),
        ("山田花子",),
    ),
    "kazei": (
        "yamada-taro",
        None,
        ("課税証明書", "年度", "給与所得", "基礎控除", "課税標準額", "年税額", "都民税"),
        ("山田花子",),
    ),
    "shotoku": (
        "yamada-taro",
        None,
        ("所得証明書", "給与所得", "合計所得金額", "所得控除合計", "山田太郎"),
        ("年税額", "山田花子"),
    ),
    "koseki_zenbu": (
        "yamada-taro",
        None,
        (
            "戸籍全部事項証明書",
            "本籍",
            "戸籍に記録されている者",
            "身分事項",
            "【名】太郎",
            "【名】花子",
            "【出生日】",
            "【婚姻日】",
            "以下余白",
        ),
        (),
    ),
    "koseki_kojin": (
        "yamada-hanako",
        None,
        ("戸籍個人事項証明書", "【名】花子", "【出生日】", "戸籍中の一部の者"),
        ("【名】太郎", "一郎", "さくら"),
    ),
    "koseki_fuhyo": (
        "yamada-taro",
        None,
        ("戸籍の附票の写し", "氏名", "山田太郎", "生年月日", "性別男", "住所を定めた年月日", "１"),
        ("山田花子", "本籍", "筆頭者"),
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_prints_its_fields_only_for_its_holder_and_verifies_from_its_qr(
    kiosk: TestKiosk, cards: Path, kind: str
) -> None:
    card, options, shown, hidden = KINDS[kind]
    ready, pdf = kiosk.issue(cards / f"{card}.json", options, certificate=kind)
    save(pdf, f"kinds/{kind}.pdf")
    page_one_png(pdf, f"kinds/{kind}", dpi=110)
    text = squeeze(pdf_text(pdf))
    assert [field for field in shown if field not in text] == []
    assert [word for word in hidden + OTHER_PEOPLE if word in text] == []
    assert "□" not in text
    [url] = qr_payloads(pdf)
    token = parse_qs(urlparse(url).query)["t"][0]
    result = kiosk.client.get("/api/verify", query_string={"t": token}).json
    assert result["genuine"] is True or result["status"] == "unconfirmed"
    assert result["certificate"]["kind"] == kind
    assert "山田" not in str(result)


@pytest.mark.parametrize(
    "name",
    ["\U00030000田　太郎", "山田\x1a太郎"],  # CJK Extension G (no font has it); SUB
)
def test_a_record_with_a_character_no_certificate_may_hold_fails_the_request_with_its_reason(
    kiosk: TestKiosk, cards: Path, platform: Platform, name: str
) -> None:
    with platform.uow() as uow:  # written past the import's check, e.g. by plain SQL
        uow.session.execute(
            update(BclTaxAssessment).where(BclTaxAssessment.name == "山田　太郎").values(name=name)
        )
        uow.commit()
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    assert kiosk.refused_at_render("kazei") == "UNSUPPORTED_CHARACTER"

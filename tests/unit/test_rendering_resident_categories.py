"""Every resident the law knows, on each kind that names them: the lawful items, nothing else."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from issuance.documents import CertificateDocument, Issuer, JuminhyoDocument
from issuance.foreign_residents import (
    AliasRecord,
    MidToLongTermResident,
    ProvisionalStayPermittee,
    SpecialPermanentResident,
    TemporaryRefugee,
    TransitionalStayByBirth,
    TransitionalStayByLossOfNationality,
)
from issuance.koseki_records import Fuhyo, FuhyoEntry
from issuance.records import Person, SealRegistration
from rendering import CertificateRenderer
from tests.support.items import items_present
from tests.support.pdf import page_one_png, pdf_items

SOKA = Issuer("112216", "草加市", "埼玉県", "草加市長", "松原　悠")
ADDRESS = "埼玉県草加市松原一丁目3番2号"
IMPRESSION = (  # a red ring
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9"
    "IjAgMCAxMDAgMTAwIj48Y2lyY2xlIGN4PSI1MCIgY3k9IjUwIiByPSI0NiIgZmlsbD0ibm9uZSIgc3Ryb2tlPSIj"
    "YzAwIiBzdHJva2Utd2lkdGg9IjYiLz48L3N2Zz4="
)
BECAME = date(2015, 4, 1)  # 外国人住民となった年月日, printed 平成27年4月1日
ALIAS = {"alias": "森本　美玲", "alias_kana": "モリモト　ミレイ"}
HISTORY = (
    AliasRecord(alias="森本　美玲", recorded_on=date(2016, 6, 1), recorded_by="埼玉県草加市"),
)
COMMON = {"nationality": "中国", "became_foreign_resident_on": BECAME}
FOREIGN = {
    "中長期在留者": MidToLongTermResident(
        **COMMON,
        **ALIAS,
        alias_history=HISTORY,
        status_of_residence="技術・人文知識・国際業務",
        period_of_stay="5年",
        period_expires_on=date(2029, 3, 31),
        residence_card_number="AB12345678CD",
    ),
    "永住者": MidToLongTermResident(
        **COMMON, **ALIAS, status_of_residence="永住者", residence_card_number="UC48213907EA"
    ),
    "特別永住者": SpecialPermanentResident(**COMMON, **ALIAS, certificate_number="SP20481735KR"),
    "一時庇護許可者": TemporaryRefugee(
        **COMMON, landing_period="6月", landing_period_expires_on=date(2027, 2, 1)
    ),
    "仮滞在許可者": ProvisionalStayPermittee(
        **COMMON, provisional_stay_period="6月", provisional_stay_expires_on=date(2027, 3, 1)
    ),
    "出生による経過滞在者": TransitionalStayByBirth(**COMMON),
    "国籍喪失による経過滞在者": TransitionalStayByLossOfNationality(**COMMON),
}
# Each case's items as (label, value) read in drawing order, beyond those every 住民票 has.
FOREIGN_ITEMS = {
    "中長期在留者": {
        "在留資格": "技術・人文知識・国際業務",
        "在留期間": "5年",
        "在留期間の満了の日": "令和11年3月31日",
        "在留カードの番号": "AB12345678CD",
    },
    "永住者": {"在留資格": "永住者", "在留カードの番号": "UC48213907EA"},
    "特別永住者": {"特別永住者証明書の番号": "SP20481735KR"},
    "一時庇護許可者": {"上陸期間": "6月", "上陸期間の満了の日": "令和9年2月1日"},
    "仮滞在許可者": {"仮滞在期間": "6月", "仮滞在期間の満了の日": "令和9年3月1日"},
    "出生による経過滞在者": {},
    "国籍喪失による経過滞在者": {},
}


def person(case: str) -> Person:
    national = case in ("日本人", "旧氏")
    return Person(
        juminhyo_code="80000000001",
        name="高田　美咲" if national else "陳　美玲",
        name_kana="タカダ　ミサキ" if national else "チン　メイリン",
        birth_date=date(1984, 2, 19),
        sex="女",
        relationship="世帯主",
        became_resident_on=date(2014, 4, 1),
        address_since=date(2014, 4, 1),
        notified_on=date(2014, 4, 3),
        honseki="埼玉県草加市高砂一丁目1番" if national else None,
        hittousha="高田　美咲" if national else None,
        former_surname="森" if case == "旧氏" else None,
        former_surname_kana="モリ" if case == "旧氏" else None,
        foreign=FOREIGN.get(case),
    )


def expected_items(case: str) -> dict[str, str]:
    """(label → value) of the items this person's 住民票 must print, and no other item."""
    p = person(case)
    if p.foreign is None:
        items = {"住民となった年月日": "平成26年4月1日", "本籍": "省略", "筆頭者": "省略"}
        return items | ({"旧氏": "モリ森"} if p.former_surname else {})
    items = {
        "外国人住民となった年月日": "平成27年4月1日",
        "国籍・地域": "中国",
        "第30条の45に規定する区分": p.foreign.category,
    }
    if p.foreign.alias:
        items["通称"] = "モリモトミレイ森本美玲"
    return items | FOREIGN_ITEMS[case]


def document(case: str, kind: str) -> JuminhyoDocument | CertificateDocument:
    p = person(case)
    if kind == "inkan":
        alias = p.foreign.alias if p.foreign else None
        seal = SealRegistration(
            p.juminhyo_code, "112216", "00000042", p.name, p.birth_date, p.sex, ADDRESS,
            date(2016, 5, 10), IMPRESSION, former_surname=p.former_surname, alias=alias,
            registered_in="通称" if alias else "氏名",
        )  # fmt: skip
        return CertificateDocument("inkan", "R08-9", date(2026, 11, 29), SOKA, seal, ("1",))
    return JuminhyoDocument(
        "R08-9", date(2026, 11, 29), SOKA, ADDRESS, p.name, (p,), kisai=kind == "juminhyo_kisai"
    )


@pytest.fixture(scope="module")
def renderer() -> CertificateRenderer:
    return CertificateRenderer()


CASES = [*FOREIGN, "日本人", "旧氏"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", ["juminhyo", "juminhyo_kisai"])
def test_the_juminhyo_holds_exactly_the_items_of_the_persons_category(
    renderer: CertificateRenderer, case: str, kind: str
) -> None:
    pdf = renderer.render(document(case, kind)).pdf
    page_one_png(pdf, f"categories/{kind}-{case}")
    text = pdf_items(pdf)
    expected = expected_items(case)
    assert items_present(text) == set(expected)
    assert [
        f"{label}{value}" for label, value in expected.items() if label + value not in text
    ] == []


@pytest.mark.parametrize("case", CASES)
def test_the_seal_certificate_names_the_person_with_their_kyuuji_and_tsuushou(
    renderer: CertificateRenderer, case: str
) -> None:
    pdf = renderer.render(document(case, "inkan")).pdf
    page_one_png(pdf, f"categories/inkan-{case}")
    text = pdf_items(pdf)
    p = person(case)
    names = {"旧氏": "旧氏森"} if p.former_surname else {}
    names |= {"通称": "通称森本美玲"} if p.foreign and p.foreign.alias else {}
    assert items_present(text) == set(names)
    assert all(item in text for item in names.values())
    assert (
        f"氏名{p.name.replace(chr(0x3000), '')}" in text and "生年月日昭和５９年２月１９日" in text
    )


def test_the_aliases_history_is_printed_only_when_asked_for(
    renderer: CertificateRenderer,
) -> None:
    doc = document("中長期在留者", "juminhyo")
    assert isinstance(doc, JuminhyoDocument)
    asked = pdf_items(renderer.render(replace(doc, show_alias_history=True)).pdf)
    assert "通称の記載及び削除に関する事項平成28年6月1日埼玉県草加市通称記載森本美玲" in asked
    assert "通称の記載及び削除に関する事項" not in pdf_items(renderer.render(doc).pdf)


MOVES = (
    FuhyoEntry("東京都新宿区西新宿二丁目8番1号", date(2010, 4, 1)),
    FuhyoEntry(ADDRESS, date(2015, 4, 1)),
)
FUHYO = Fuhyo(
    "80000000001", "112216", "埼玉県草加市高砂一丁目1番", "高田　健", "高田　美咲",
    "タカダ　ミサキ", date(1987, 10, 3), "女", MOVES,
)  # fmt: skip


@pytest.mark.parametrize("show_honseki", [False, True])
def test_the_fuhyo_shows_birth_date_and_sex_always_and_honseki_only_on_request(
    renderer: CertificateRenderer, show_honseki: bool
) -> None:
    options: dict[str, object] = {"show_honseki": show_honseki}
    doc = CertificateDocument(
        "koseki_fuhyo", "R08-9", date(2026, 11, 29), SOKA, FUHYO, ("1",), options
    )
    pdf = renderer.render(doc).pdf
    page_one_png(pdf, f"categories/fuhyo-{'honseki' if show_honseki else 'default'}")
    text = pdf_items(pdf)
    assert "生年月日昭和６２年１０月３日" in text and "性別女" in text
    assert "１東京都新宿区西新宿二丁目８番１号平成２２年４月１日" in text
    if show_honseki:  # the person by 名 under the 筆頭者 (住民基本台帳法 第20条)
        assert "本籍埼玉県草加市高砂一丁目１番筆頭者高田健名ミサキ美咲" in text
    else:
        assert "本籍" not in text and "筆頭者" not in text
        assert "氏名タカダミサキ高田美咲" in text

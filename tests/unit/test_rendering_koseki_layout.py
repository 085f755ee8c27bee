"""The 戸籍 証明書 reads as 付録第22号様式 lays it out: the lawful items, labels and order only."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from issuance.koseki_records import Koseki, KosekiEvent, KosekiItem, KosekiMember
from issuance.refusals import RefusalError
from rendering import CertificateRenderer
from tests.support.pdf import page_text, pdf_text, save_pages
from tests.unit.test_rendering_certificates import certificate, member

KOUNO = "東京都千代田区平河町一丁目4番地"


def items(**values: date | str) -> tuple[KosekiItem, ...]:
    return tuple(
        KosekiItem(k, on=v) if isinstance(v, date) else KosekiItem(k, text=v)
        for k, v in values.items()
    )


def born(on: date, place: str, by: str = "父", **more: date | str) -> KosekiEvent:
    notified = date(on.year, on.month, min(on.day + 4, 28))
    return KosekiEvent("出生", items(出生日=on, 出生地=place, 届出日=notified, 届出人=by, **more))


WED = date(2003, 1, 10)
HUSBAND = KosekiMember(
    "義太郎",
    date(1965, 6, 21),
    "男",
    "甲野幸雄",
    "甲野松子",
    "長男",
    "1",
    events=(
        born(date(1965, 6, 21), "東京都千代田区"),
        KosekiEvent(
            "婚姻", items(婚姻日=WED, 配偶者氏名="乙野梅子", 従前戸籍=f"{KOUNO}　甲野幸雄")
        ),
    ),
    spouse_role="夫",
    name_kana="ギタロウ",
)
WIFE = KosekiMember(
    "梅子",
    date(1966, 1, 8),
    "女",
    "乙野忠治",
    "乙野春子",
    "長女",
    "2",
    events=(
        born(date(1966, 1, 8), "京都市上京区"),
        # Items given out of order print in the form's order.
        KosekiEvent(
            "婚姻",
            items(
                従前戸籍="京都市上京区小山初音町18番地　乙野忠治",
                配偶者氏名="甲野義太郎",
                婚姻日=WED,
            ),
        ),
    ),
    spouse_role="妻",
    name_kana="ウメコ",
)
SON = KosekiMember(
    "啓太郎",
    date(2004, 11, 2),
    "男",
    "甲野義太郎",
    "甲野梅子",
    "長男",
    "3",
    events=(
        born(
            date(2004, 11, 2),
            "千葉県千葉市中央区",
            送付を受けた日=date(2004, 11, 12),
            受理者="千葉県千葉市中央区長",
        ),
    ),
    name_kana="ケイタロウ",
)
DAUGHTER = KosekiMember(
    "ゆり",
    date(2006, 3, 3),
    "女",
    "甲野義太郎",
    "甲野梅子",
    "長女",
    "4",
    removed=True,
    events=(
        born(date(2006, 3, 3), "東京都千代田区", "母"),
        KosekiEvent(
            "婚姻",
            items(
                婚姻日=date(2026, 5, 1),
                配偶者氏名="丙山信夫",
                新本籍="東京都中央区日本橋室町一丁目1番地",
                称する氏="夫の氏",
            ),
        ),
    ),
    name_kana="ユリ",
)
KOSEKI = Koseki(
    "131016",
    "東京都千代田区平河町一丁目10番地",
    "甲野　義太郎",
    (HUSBAND, WIFE, SON, DAUGHTER),
    compiled_on=WED,
    surname_kana="コウノ",
)
PERSON = ["名", "名の振り仮名", "生年月日"]
PARENTS = ["父", "母", "続柄"]
BIRTH = ["出生日", "出生地", "届出日", "届出人"]
CAME_IN = ["婚姻日", "配偶者氏名", "従前戸籍"]


@pytest.fixture(scope="module")
def renderer() -> CertificateRenderer:
    return CertificateRenderer()


def labels(text: str) -> list[str]:
    return re.findall(r"【([^】]+)】", text)


def test_the_whole_koseki_prints_exactly_the_lawful_items_in_the_forms_order(
    renderer: CertificateRenderer,
) -> None:
    pdf = renderer.render(certificate("koseki_zenbu", KOSEKI, ("1", "2", "3", "4"))).pdf
    save_pages(pdf, "koseki/zenbu-kouno", (1, 2))
    text = pdf_text(pdf)
    spouse = [*PERSON, "配偶者区分", *PARENTS, *BIRTH, *CAME_IN]
    assert labels(text) == [
        "編製日",
        *spouse,
        *spouse,
        *PERSON, *PARENTS, *BIRTH, "送付を受けた日", "受理者",
        *PERSON, *PARENTS, *BIRTH, "婚姻日", "配偶者氏名", "新本籍", "称する氏",
    ]  # fmt: skip
    assert "本籍東京都千代田区平河町一丁目１０番地氏名甲野義太郎氏の振り仮名コウノ" in text
    assert (
        "【名】義太郎【名の振り仮名】ギタロウ【生年月日】昭和４０年６月２１日【配偶者区分】夫"
        "【父】甲野幸雄【母】甲野松子【続柄】長男身分事項出生【出生日】昭和４０年６月２１日"
    ) in text
    assert (
        "【婚姻日】平成１５年１月１０日【配偶者氏名】乙野梅子【従前戸籍】東京都千代田区平河町"
        in text
    )
    assert "【配偶者氏名】甲野義太郎【従前戸籍】京都市上京区小山初音町１８番地乙野忠治" in text
    assert "【受理者】千葉県千葉市中央区長" in text
    assert "【新本籍】東京都中央区日本橋室町一丁目１番地【称する氏】夫の氏" in text
    assert (
        "【称する氏】夫の氏以下余白これは、戸籍に記録されている事項の全部を証明した書面である。"
        "令和８年１１月２２日埼玉県草加市長山川一郎"
    ) in text


def test_the_removed_member_alone_carries_the_jyoseki_mark(renderer: CertificateRenderer) -> None:
    text = pdf_text(renderer.render(certificate("koseki_zenbu", KOSEKI, ("1",))).pdf)
    assert text.count("除籍") == 1
    assert (
        text.index("【名】ゆり") < text.index("除籍") < text.index("【生年月日】平成１８年３月３日")
    )


def test_a_personal_certificate_prints_the_chosen_members_items_only(
    renderer: CertificateRenderer,
) -> None:
    doc = replace(certificate("koseki_kojin", KOSEKI, ("3",)), options={"members": (SON,)})
    pdf = renderer.render(doc).pdf
    save_pages(pdf, "koseki/kojin-kouno")
    text = pdf_text(pdf)
    assert labels(text) == ["編製日", *PERSON, *PARENTS, *BIRTH, "送付を受けた日", "受理者"]
    assert "戸籍個人事項証明書" in text and "氏名甲野義太郎氏の振り仮名コウノ" in text
    assert "【名】啓太郎" in text and "梅子" not in text.replace("甲野梅子", "")
    assert "戸籍中の一部の者について記録されている事項を証明した書面である" in text


def test_a_remade_register_adds_the_remaking_to_the_koseki_jiko(
    renderer: CertificateRenderer,
) -> None:
    remade = replace(KOSEKI, remade_on=date(2004, 3, 6), members=(HUSBAND,))
    pdf = renderer.render(certificate("koseki_zenbu", remade)).pdf
    save_pages(pdf, "koseki/zenbu-remade")
    text = pdf_text(pdf)
    assert labels(text)[:3] == ["編製日", "改製日", "改製事由"]
    assert "戸籍改製【改製日】平成１６年３月６日【改製事由】平成６年法務省令第５１号" in text


@pytest.mark.parametrize(
    "unlawful",
    [
        replace(SON, relationship="子"),
        replace(HUSBAND, relationship="夫"),
        replace(SON, spouse_role="主"),
        replace(
            SON, events=(KosekiEvent("出生", items(出生日=date(2004, 11, 2), 出生病院="某病院")),)
        ),
        replace(SON, events=(KosekiEvent("出生", items(出生地="千葉県")),)),
        replace(SON, events=(KosekiEvent("養子縁組", items(縁組日=date(2010, 1, 1))),)),
    ],
)
def test_an_entry_the_form_does_not_hold_is_refused_not_printed_in_part(
    renderer: CertificateRenderer, unlawful: KosekiMember
) -> None:
    register = replace(KOSEKI, members=(unlawful,))
    with pytest.raises(RefusalError) as refused:
        renderer.render(certificate("koseki_zenbu", register))
    assert refused.value.code == "KOSEKI_ENTRY_UNSUPPORTED"


@pytest.mark.parametrize("size", range(1, 13))
def test_the_last_page_always_holds_entries_before_the_certification(
    renderer: CertificateRenderer, size: int
) -> None:
    register = replace(KOSEKI, members=tuple(member(i) for i in range(size)))
    rendered = renderer.render(certificate("koseki_zenbu", register, ("0",)))
    last = page_text(rendered.pdf, rendered.pages)
    assert "以下余白" in last and "これは、戸籍に記録されている事項の全部を証明した" in last
    assert "【" in last[: last.index("以下余白")]

"""The other certificates' layouts: 戸籍 entries, tax amounts, and long registers over pages."""

from __future__ import annotations

from datetime import date

import pytest

from issuance.documents import CertificateDocument, Issuer
from issuance.koseki_records import Koseki, KosekiEvent, KosekiItem, KosekiMember
from issuance.records import Amount, TaxAssessment
from rendering import CertificateRenderer
from tests.support.pdf import pdf_text

SOKA = Issuer("112216", "草加市", "埼玉県", "草加市長", "山川　一郎")
GIVEN = ("一郎", "花子", "次郎", "桜", "三郎", "梅", "四郎", "菊", "五郎", "松", "六郎", "竹")


@pytest.fixture(scope="module")
def renderer() -> CertificateRenderer:
    return CertificateRenderer()


def certificate(kind: str, record: object, codes: tuple[str, ...] = ("1",)) -> CertificateDocument:
    return CertificateDocument(kind, "R08-7", date(2026, 11, 22), SOKA, record, codes)  # type: ignore[arg-type]


def member(index: int) -> KosekiMember:
    born = date(1990 + index, 1, 2)
    events = (
        KosekiEvent(
            "出生", (KosekiItem("出生日", born), KosekiItem("出生地", text="埼玉県草加市"))
        ),
    )
    if index == 1:
        wed = (KosekiItem("婚姻日", date(2012, 3, 4)), KosekiItem("配偶者氏名", text="髙﨑一郎"))
        events += (KosekiEvent("婚姻", wed),)
    return KosekiMember(
        GIVEN[index],
        born,
        "男",
        "髙﨑　太郎",
        "髙﨑　文子",
        "長男",
        str(index),
        removed=index == 2,
        events=events,
    )


def test_a_koseki_prints_its_entries_with_full_width_dates(renderer: CertificateRenderer) -> None:
    koseki = Koseki("112216", "埼玉県草加市高砂二丁目7番", "髙﨑　一郎", (member(0), member(1)))
    text = pdf_text(renderer.render(certificate("koseki_zenbu", koseki, ("0", "1"))).pdf)
    assert "本籍埼玉県草加市高砂二丁目７番" in text
    assert "【名】一郎" in text and "【父】髙﨑太郎" in text and "【母】髙﨑文子" in text
    assert "【出生日】平成２年１月２日" in text and "【婚姻日】平成２４年３月４日" in text
    assert "【配偶者氏名】髙﨑一郎" in text and "埼玉県草加市長" in text


def test_a_removed_member_is_marked_jyoseki(renderer: CertificateRenderer) -> None:
    koseki = Koseki("112216", "埼玉県草加市高砂二丁目7番", "髙﨑　一郎", (member(2),))
    assert "除籍" in pdf_text(renderer.render(certificate("koseki_zenbu", koseki)).pdf)


def test_a_long_koseki_runs_onto_numbered_pages_with_a_continuation_mark(
    renderer: CertificateRenderer,
) -> None:
    members = tuple(member(i) for i in range(12))
    koseki = Koseki("112216", "埼玉県草加市高砂二丁目7番", "髙﨑　一郎", members)
    rendered = renderer.render(
        certificate("koseki_zenbu", koseki, tuple(str(i) for i in range(12)))
    )
    text = pdf_text(rendered.pdf)
    assert rendered.pages >= 2
    assert f"1/{rendered.pages}" in text and f"{rendered.pages}/{rendered.pages}" in text
    assert "（次頁に続く）" in text and all(f"【名】{g}" in text for g in GIVEN)


def test_a_tax_certificate_shows_income_deductions_and_tax_for_the_year(
    renderer: CertificateRenderer,
) -> None:
    tax = TaxAssessment(
        "1",
        "112216",
        2026,
        "髙﨑　一郎",
        "埼玉県草加市高砂二丁目7番1号",
        (Amount("給与所得", 3_560_000),),
        (Amount("基礎控除", 430_000),),
        3_130_000,
        191_300,
        126_700,
    )
    kazei = pdf_text(renderer.render(certificate("kazei", tax)).pdf)
    assert "令和8年度（令和7年分の所得）" in kazei
    for field in ("給与所得3,560,000", "基礎控除430,000", "課税標準額3,130,000", "県民税126,700"):
        assert field in kazei
    assert "年税額318,000" in kazei
    shotoku = pdf_text(renderer.render(certificate("shotoku", tax)).pdf)
    assert "合計所得金額3,560,000" in shotoku and "年税額" not in shotoku

"""The 戸籍事項 heads the computerised 戸籍: 戸籍編製 with its 編製日, and any 改製."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from issuance.koseki_records import Koseki
from rendering import CertificateRenderer
from tests.support.pdf import pdf_text
from tests.unit.test_rendering_certificates import certificate, member

HONSEKI = "埼玉県草加市高砂二丁目7番"
COMPILED = Koseki(
    "112216", HONSEKI, "髙﨑　一郎", (member(0), member(1)), compiled_on=date(2020, 10, 1)
)


@pytest.fixture(scope="module")
def renderer() -> CertificateRenderer:
    return CertificateRenderer()


def test_the_whole_koseki_opens_with_its_compilation_date_in_wareki(
    renderer: CertificateRenderer,
) -> None:
    text = pdf_text(renderer.render(certificate("koseki_zenbu", COMPILED, ("0", "1"))).pdf)
    assert "戸籍事項戸籍編製【編製日】令和２年１０月１日" in text
    assert text.index("本籍") < text.index("戸籍事項") < text.index("戸籍に記録されている者")


def test_a_personal_certificate_prints_the_same_koseki_jiko(
    renderer: CertificateRenderer,
) -> None:
    doc = replace(certificate("koseki_kojin", COMPILED, ("1",)), options={"members": (member(1),)})
    text = pdf_text(renderer.render(doc).pdf)
    assert "戸籍個人事項証明書" in text
    assert "戸籍編製【編製日】令和２年１０月１日" in text
    assert "【名】花子" in text and "【名】一郎" not in text


def test_a_register_computerised_later_also_shows_the_remaking_and_its_reason(
    renderer: CertificateRenderer,
) -> None:
    remade = replace(COMPILED, compiled_on=date(1983, 5, 10), remade_on=date(2004, 3, 6))
    text = pdf_text(renderer.render(certificate("koseki_zenbu", remade, ("0", "1"))).pdf)
    assert "戸籍編製【編製日】昭和５８年５月１０日" in text
    assert "戸籍改製【改製日】平成１６年３月６日" in text
    assert "【改製事由】平成６年法務省令第５１号附則第２条第１項による改製" in text


def test_a_record_without_the_dates_prints_no_koseki_jiko(renderer: CertificateRenderer) -> None:
    undated = replace(COMPILED, compiled_on=None)
    text = pdf_text(renderer.render(certificate("koseki_zenbu", undated, ("0", "1"))).pdf)
    assert "戸籍事項" not in text and "編製" not in text
    assert "【名】一郎" in text

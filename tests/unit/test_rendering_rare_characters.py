"""Rare kanji print when the font has them; a 外字 it lacks is refused, never a blank box."""

from __future__ import annotations

from dataclasses import replace

import pytest

from issuance.refusals import REFUSALS, RefusalError
from issuance.rendering import JuminhyoRenderer
from issuance.rendering.charset import font_coverage, missing_characters
from issuance.rendering.glyphs import GOTHIC_PATH, MINCHO_PATH
from tests.support.pdf import pdf_text
from tests.unit.test_rendering_juminhyo import household_document, person


@pytest.fixture(scope="module")
def renderer() -> JuminhyoRenderer:
    return JuminhyoRenderer()


def test_the_ipaex_fonts_have_taka_and_saki_but_not_tsuchiyoshi() -> None:
    covered = font_coverage(MINCHO_PATH, GOTHIC_PATH)
    assert ord("髙") in covered and ord("﨑") in covered
    assert missing_characters("𠮷野家", covered) == ["𠮷"]


def test_names_with_taka_and_saki_print_as_themselves(renderer: JuminhyoRenderer) -> None:
    doc = household_document(1)
    rare = replace(doc.members[0], name="髙﨑　一郎")
    text = pdf_text(renderer.render(replace(doc, members=(rare,), head_name="髙﨑　一郎")).pdf)
    assert "髙﨑" in text


def test_a_character_the_font_lacks_is_refused_with_its_reason(renderer: JuminhyoRenderer) -> None:
    doc = household_document(2)
    odd = replace(person(1), name="𠮷田　花子")
    with pytest.raises(RefusalError) as refused:
        renderer.render(replace(doc, members=(doc.members[0], odd)))
    assert refused.value.code == "UNSUPPORTED_CHARACTER"
    assert refused.value.details == {"code_points": ["U+20BB7"]}
    assert "外字" in refused.value.message_ja and "UNSUPPORTED_CHARACTER" in REFUSALS


def test_a_lacking_character_in_the_address_is_refused_too(renderer: JuminhyoRenderer) -> None:
    with pytest.raises(RefusalError, match="UNSUPPORTED_CHARACTER"):
        renderer.html(replace(household_document(1), address="東京都𠮷野町1番"))

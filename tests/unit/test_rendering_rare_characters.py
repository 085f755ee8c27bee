"""Rare kanji of names and addresses print as asked (IPAmj明朝, IVS kept); the rest is refused."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from issuance.characters import IPAMJ_PATH, MINCHO_PATH, CertificateCharset
from issuance.documents import JuminhyoDocument
from issuance.foreign_residents import MidToLongTermResident
from issuance.refusals import REFUSALS, RefusalError
from rendering import JuminhyoRenderer
from tests.support.pdf import drawn_glyphs, pdf_text, save_page_one
from tests.unit.test_rendering_juminhyo import household_document, person

KICHI = "\U00020bb7"  # 𠮷 (つちよし): not in IPAex, in IPAmj明朝
KATSU_MJ = "葛\U000e0102"  # 葛 with an IVS only IPAmj defines (MJ022335)
KATSU_AJ = "葛\U000e0100"  # 葛 with an IVS IPAex defines itself (Adobe-Japan1)
RARE = "\U00024b62"  # 𤭢: not in IPAex, in IPAmj明朝
EXT_G = "\U00030000"  # CJK Extension G: no certificate font draws it


def outline(path: object, char: str, selector: str = "") -> tuple:
    """The outline a font file holds for ``char`` (with ``selector``: its cmap 14 variant)."""
    font = TTFont(str(path), lazy=True)
    glyph = font.getBestCmap()[ord(char)]
    if selector:
        table = next(t for t in font["cmap"].tables if t.format == 14)
        variants = dict(table.uvsDict[ord(selector)])
        glyph = variants[ord(char)] or glyph  # None: the default glyph is the variant
    pen = RecordingPen()
    font.getGlyphSet()[glyph].draw(pen)
    return tuple(pen.value)


def embedded_fonts(pdf: bytes) -> set[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        table = subprocess.run(["pdffonts", handle.name], capture_output=True, text=True).stdout
    return {line.split()[0].split("+")[-1] for line in table.splitlines()[2:]}


@pytest.fixture(scope="module")
def renderer() -> JuminhyoRenderer:
    return JuminhyoRenderer()


def named(name: str, **fields: object) -> JuminhyoDocument:
    doc = household_document(2)
    member = replace(doc.members[0], name=name)
    return replace(doc, members=(member, doc.members[1]), head_name=name, **fields)  # type: ignore[arg-type]


def test_names_with_taka_and_saki_print_as_themselves(renderer: JuminhyoRenderer) -> None:
    text = pdf_text(renderer.render(named("髙﨑　一郎")).pdf)
    assert "髙﨑" in text


def test_a_name_and_address_beyond_ipaex_print_in_ipamj(renderer: JuminhyoRenderer) -> None:
    doc = named(f"{KICHI}田　花子", address=f"東京都{RARE}町1番")
    pdf = renderer.render(doc).pdf
    save_page_one(pdf, "rare-characters/ipamj-fallback")
    drawn = {glyph for font, glyph in drawn_glyphs(pdf) if font == "IPAmjMincho"}
    assert outline(IPAMJ_PATH, KICHI) in drawn
    assert outline(IPAMJ_PATH, RARE) in drawn
    assert f"{KICHI}田" in pdf_text(pdf) and f"{RARE}町" in pdf_text(pdf)


def test_an_ivs_prints_the_variant_glyph_asked_for_not_its_base(
    renderer: JuminhyoRenderer,
) -> None:
    pdf = renderer.render(named(f"鈴木　{KATSU_MJ}城")).pdf
    save_page_one(pdf, "rare-characters/ivs")
    everything = {glyph for _, glyph in drawn_glyphs(pdf)}
    assert outline(IPAMJ_PATH, "葛", "\U000e0102") in everything
    assert outline(MINCHO_PATH, "葛") not in everything  # IPAex's 葛: the base, not the variant
    assert outline(IPAMJ_PATH, "葛") not in everything  # IPAmj's own 葛 is another glyph


def test_an_ivs_ipaex_defines_prints_in_ipaex(renderer: JuminhyoRenderer) -> None:
    pdf = renderer.render(named(f"鈴木　{KATSU_AJ}城")).pdf
    drawn = drawn_glyphs(pdf)
    assert ("IPAexMincho", outline(MINCHO_PATH, "葛", "\U000e0100")) in drawn
    assert "IPAmjMincho" not in embedded_fonts(pdf)


def test_a_document_without_rare_characters_embeds_no_ipamj(renderer: JuminhyoRenderer) -> None:
    assert embedded_fonts(renderer.render(household_document(2)).pdf) == {
        "IPAexMincho",
        "IPAexGothic",
    }


@pytest.mark.parametrize(
    ("name", "code_points"),
    [
        ("山田\x1a太郎", ["U+001A"]),  # SUB, an unmappable character's stand-in
        ("山田\ufffd太郎", ["U+FFFD"]),
        ("山田\ue000太郎", ["U+E000"]),  # private use
        ("山田\t太郎", ["U+0009"]),
        ("\U000e0100山田", ["U+E0100"]),  # a variation selector with no base
        (f"山田{EXT_G}", ["U+30000"]),  # no certificate font has it
        ("葛\U000e010f城", ["U+845B U+E010F"]),  # a variant no font defines: not its base
    ],
)
def test_a_name_the_fonts_cannot_print_faithfully_is_refused_with_its_code_point(
    renderer: JuminhyoRenderer, name: str, code_points: list[str]
) -> None:
    with pytest.raises(RefusalError) as refused:
        renderer.render(named(name))
    assert refused.value.code == "UNSUPPORTED_CHARACTER"
    assert refused.value.details == {"code_points": code_points}
    assert "外字" in refused.value.message_ja and "UNSUPPORTED_CHARACTER" in REFUSALS


def test_ipamj_is_for_names_and_addresses_only(renderer: JuminhyoRenderer) -> None:
    foreign = MidToLongTermResident(
        nationality="中国",
        became_foreign_resident_on=household_document().issued_on,
        status_of_residence=f"技術{KICHI}",
        residence_card_number="AB12345678CD",
        period_of_stay="3年",
        period_expires_on=household_document().issued_on,
    )
    doc = household_document(1)
    with pytest.raises(RefusalError) as refused:
        foreigner = replace(person(0), honseki=None, hittousha=None, foreign=foreign)
        renderer.render(replace(doc, members=(foreigner,)))
    assert refused.value.details == {"code_points": ["U+20BB7"]}
    relationship = replace(person(0), relationship=f"{KATSU_MJ}")
    with pytest.raises(RefusalError, match="UNSUPPORTED_CHARACTER"):
        renderer.render(replace(doc, members=(relationship,)))


def test_without_ipamj_installed_those_names_are_refused_not_printed() -> None:
    without = JuminhyoRenderer(charset=CertificateCharset(fallback=None))
    with pytest.raises(RefusalError) as refused:
        without.html(named(f"{KICHI}田　花子"))
    assert refused.value.details == {"code_points": ["U+20BB7"]}
    assert '"IPAexMincho", serif' in without.css_text  # no fallback in the families

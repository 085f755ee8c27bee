"""The 住民票の写し PDF: what it shows, what it hides, and how it paginates."""

from __future__ import annotations

import hashlib
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
import weasyprint
from PIL import Image, ImageChops

from issuance.calendar import to_wareki
from issuance.documents import Issuer, JuminhyoDocument, Stamp
from issuance.foreign_residents import MidToLongTermResident
from issuance.records import Person
from rendering import JuminhyoRenderer
from rendering.qr import qr_png_data_url

OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-output"
ISSUER = Issuer("131016", "千代田区", "東京都", "千代田区長", "山田　太郎")
ADDRESS = "東京都千代田区千代田一丁目1番1号　コーポ千代田101"
GIVEN = [
    ("一郎", "いちろう", "世帯主"),
    ("花子", "はなこ", "妻"),
    ("次郎", "じろう", "子"),
    ("桜", "さくら", "子"),
    ("三郎", "さぶろう", "子"),
    ("梅", "うめ", "子"),
    ("四郎", "しろう", "子"),
    ("菊", "きく", "子"),
    ("五郎", "ごろう", "子"),
]


def person(index: int) -> Person:
    given, kana, relationship = GIVEN[index]
    return Person(
        juminhyo_code=f"{98765432100 + index:011d}",
        name=f"鈴木　{given}",
        name_kana=f"すずき　{kana}",
        birth_date=date(1950 + 5 * index, 1 + index, 3 + index),
        sex="女" if index % 2 else "男",
        relationship=relationship,
        became_resident_on=date(2010, 4, 1),
        address_since=date(2015, 6, 1),
        notified_on=date(2015, 6, 10),
        previous_address="大阪府大阪市北区梅田一丁目1番1号",
        honseki="東京都千代田区千代田一番",
        hittousha="鈴木　一郎",
        my_number=f"{123456789000 + index:012d}",
    )


def household_document(size: int = 4, **options: object) -> JuminhyoDocument:
    return JuminhyoDocument(
        serial="R08-000123",
        issued_on=date(2026, 11, 22),
        issuer=ISSUER,
        address=ADDRESS,
        head_name="鈴木　一郎",
        members=tuple(person(i) for i in range(size)),
        **options,  # type: ignore[arg-type]
    )


def foreign_resident() -> Person:
    return Person(
        juminhyo_code="55555555555",
        name="SMITH JOHN",
        name_kana="すみす　じょん",
        birth_date=date(1990, 3, 15),
        sex="男",
        relationship="世帯主",
        became_resident_on=date(2022, 4, 1),
        address_since=date(2022, 4, 1),
        notified_on=date(2022, 4, 5),
        my_number="999988887777",
        foreign=MidToLongTermResident(
            nationality="アメリカ合衆国",
            became_foreign_resident_on=date(2022, 4, 1),
            status_of_residence="技術・人文知識・国際業務",
            period_of_stay="3年",
            period_expires_on=date(2027, 4, 1),
            residence_card_number="AB12345678CD",
            alias="須見寿　丈",
        ),
    )


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def squeezed(text: str) -> str:
    """Text without spaces: layout mode spreads letter-spaced names apart."""
    return re.sub(r"[\s\u3000]+", "", text)


@pytest.fixture(scope="module")
def renderer() -> JuminhyoRenderer:
    return JuminhyoRenderer()


def test_every_member_and_the_issuer_appear(renderer: JuminhyoRenderer, tmp_path: Path) -> None:
    doc = household_document()
    text = squeezed(pdf_text(renderer.render(doc).pdf, tmp_path))
    assert "住民票（写し）" in text
    assert squeezed(ADDRESS) in text
    for member in doc.members:
        assert squeezed(member.name) in text
        assert squeezed(member.name_kana) in text
        assert to_wareki(member.birth_date) in text
    assert "東京都千代田区長山田太郎" in text
    assert "世帯全員の住民票の原本と相違ないことを証明する" in text
    assert to_wareki(doc.issued_on) in text
    assert "証明書番号R08-000123" in text
    assert "コンビニ交付" in text


def test_the_juminhyo_code_is_never_printed(renderer: JuminhyoRenderer, tmp_path: Path) -> None:
    doc = household_document(show_honseki=True, show_my_number=True)
    text = squeezed(pdf_text(renderer.render(doc).pdf, tmp_path))
    for member in doc.members:
        assert member.juminhyo_code not in text


def test_kensei_background_is_vector_art_not_text(
    renderer: JuminhyoRenderer, tmp_path: Path
) -> None:
    pdf = renderer.render(household_document()).pdf
    assert "複写" not in pdf_text(pdf, tmp_path)
    (tmp_path / "doc.pdf").write_bytes(pdf)
    with pdfplumber.open(tmp_path / "doc.pdf") as opened:
        page = opened.pages[0]
        assert "複写" not in page.extract_text()
        assert page.curves or page.rects or page.lines


@pytest.mark.parametrize("show_honseki", [True, False])
def test_honseki_is_shown_only_when_chosen(
    renderer: JuminhyoRenderer, tmp_path: Path, show_honseki: bool
) -> None:
    text = squeezed(
        pdf_text(renderer.render(household_document(1, show_honseki=show_honseki)).pdf, tmp_path)
    )
    assert ("東京都千代田区千代田一番" in text) is show_honseki
    assert ("本籍省略" in text) is not show_honseki


@pytest.mark.parametrize("show_my_number", [True, False])
def test_my_number_is_shown_only_when_chosen(
    renderer: JuminhyoRenderer, tmp_path: Path, show_my_number: bool
) -> None:
    doc = household_document(1, show_my_number=show_my_number)
    text = squeezed(pdf_text(renderer.render(doc).pdf, tmp_path))
    assert ("123456789000" in text) is show_my_number
    assert ("個人番号省略" in text) is not show_my_number


def test_relationship_is_omitted_when_not_chosen(
    renderer: JuminhyoRenderer, tmp_path: Path
) -> None:
    text = squeezed(
        pdf_text(renderer.render(household_document(2, show_relationship=False)).pdf, tmp_path)
    )
    assert "世帯主" not in text
    assert "続柄省略" in text


def test_a_foreign_resident_shows_residence_fields_instead_of_honseki(
    renderer: JuminhyoRenderer, tmp_path: Path
) -> None:
    doc = replace(household_document(0, show_honseki=True), members=(foreign_resident(),))
    text = squeezed(pdf_text(renderer.render(doc).pdf, tmp_path))
    for expected in (
        "国籍・地域",
        "アメリカ合衆国",
        "在留資格",
        "技術・人文知識・国際業務",
        "在留カードの番号",
        "AB12345678CD",
        "通称須見寿丈",
        "中長期在留者",
        "在留期間",
        "3年",
        to_wareki(date(2027, 4, 1)),
    ):
        assert expected in text
    assert "本籍" not in text and "筆頭者" not in text


def test_choosing_one_member_names_only_that_member(
    renderer: JuminhyoRenderer, tmp_path: Path
) -> None:
    doc = replace(household_document(), members=(person(2),), whole_household=False)
    rendered = renderer.render(doc)
    text = squeezed(pdf_text(rendered.pdf, tmp_path))
    assert "鈴木次郎" in text
    for other in (0, 1, 3):
        assert squeezed(person(other).name_kana) not in text
    assert "鈴木花子" not in text and "鈴木桜" not in text
    assert "世帯の一部の住民票の原本と相違ないことを証明する" in text
    assert rendered.subject_codes == (person(2).juminhyo_code,)


def test_a_large_household_runs_onto_more_pages_with_numbering(
    renderer: JuminhyoRenderer, tmp_path: Path
) -> None:
    long_address = "東京都千代田区千代田一丁目1番1号" + "千代田ビルディング東館" * 6 + "1001号室"
    doc = replace(
        household_document(9, show_honseki=True, show_my_number=True), address=long_address
    )
    rendered = renderer.render(doc)
    assert rendered.pages > 1
    pages = pdf_text(rendered.pdf, tmp_path).split("\f")[: rendered.pages]
    for number, page in enumerate(pages, start=1):
        assert f"{number}/{rendered.pages}" in page
        assert ("（次頁に続く）" in page) is (number < rendered.pages)
    text = squeezed("".join(pages))
    assert all(squeezed(member.name) in text for member in doc.members)
    assert rendered.subject_codes == tuple(member.juminhyo_code for member in doc.members)


def test_rendered_document_carries_digest_and_subjects(renderer: JuminhyoRenderer) -> None:
    doc = household_document()
    rendered = renderer.render(doc)
    assert rendered.pdf.startswith(b"%PDF")
    assert rendered.pages == 1
    assert rendered.digest == hashlib.sha256(rendered.pdf).hexdigest()
    assert rendered.subject_codes == tuple(member.juminhyo_code for member in doc.members)


def test_names_are_escaped_not_interpreted(renderer: JuminhyoRenderer) -> None:
    doc = replace(household_document(1), address="<b>東京都</b>&<script>x</script>")
    assert "&lt;b&gt;東京都&lt;/b&gt;&amp;&lt;script&gt;" in renderer.html(doc)


def test_concurrent_renders_each_name_the_right_person(
    renderer: JuminhyoRenderer, tmp_path: Path
) -> None:
    chosen = [1, 2, 1, 2, 1, 2]
    docs = [
        replace(household_document(), members=(person(i),), whole_household=False) for i in chosen
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(renderer.render, docs))
    for index, rendered in zip(chosen, results, strict=True):
        text = squeezed(pdf_text(rendered.pdf, tmp_path))
        assert squeezed(person(index).name) in text
        assert squeezed(person(3 - index).name) not in text
        assert rendered.subject_codes == (person(index).juminhyo_code,)


def test_page_one_is_saved_for_people_to_look_at(renderer: JuminhyoRenderer) -> None:
    OUTPUT_DIR.mkdir(exist_ok=True)
    pdf_path = OUTPUT_DIR / "juminhyo.pdf"
    pdf_path.write_bytes(renderer.render(household_document(show_honseki=True)).pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-singlefile",
            str(pdf_path),
            str(OUTPUT_DIR / "juminhyo-page1"),
        ],
        check=True,
    )
    assert (OUTPUT_DIR / "juminhyo-page1.png").stat().st_size > 0


def page_images(pdf: bytes, folder: Path) -> list[Image.Image]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(folder / "doc.pdf"), str(folder / "page")], check=True
    )
    return [Image.open(png).convert("L") for png in sorted(folder.glob("page*.png"))]


@pytest.mark.parametrize("size", [1, 9])
def test_the_fast_renderer_prints_exactly_what_plain_weasyprint_prints(
    renderer: JuminhyoRenderer, tmp_path: Path, size: int
) -> None:
    long_address = "東京都千代田区千代田一丁目1番1号" + "千代田ビルディング東館" * 6 + "1001号室"
    doc = replace(
        household_document(size, show_honseki=True),
        address=long_address,
        stamp=Stamp("t0ken.sig", "http://127.0.0.1:8000/verify"),
    )
    for _ in range(2):  # caches the seal and けん制 images, then records their drawing
        renderer.render(doc)
    ours = page_images(renderer.render(doc).pdf, tmp_path / "ours")
    plain = page_images(weasyprint.HTML(string=renderer.html(doc)).write_pdf(), tmp_path / "plain")
    assert len(ours) == len(plain) >= 1
    for mine, theirs in zip(ours, plain, strict=True):
        assert ImageChops.difference(mine, theirs).getbbox() is None


@pytest.mark.parametrize("token_length", [1, 40, 150, 300, 600, 1100])
def test_the_stamp_qr_code_reads_back_as_the_verification_address(token_length: int) -> None:
    import base64
    import io

    import zxingcpp

    url = "http://127.0.0.1:8000/verify?t=" + ("aZ09-_." * 200)[:token_length]
    png = base64.b64decode(qr_png_data_url(url).split(",", 1)[1])
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width * 4, image.height * 4), Image.Resampling.NEAREST)
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [url]

"""Reading back what we render, as a recipient's software would."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


def pdf_items(pdf: bytes) -> str:
    """The text in drawing order (pdftotext -raw), spaces removed: each table cell's label is
    followed by its own value, so 「在留資格永住者」 reads as the label and what it labels."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
    return "".join(out.replace("\u3000", " ").split())


def page_one_png(pdf: bytes, name: str, dpi: int = 80) -> Path:
    """Page 1 as test-output/NAME.png, for a person to look at."""
    out = Path("test-output") / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile"]
            + [handle.name, str(out.with_suffix(""))],
            check=True,
        )
    return out


def pdf_text(pdf: bytes) -> str:
    """The text pdftotext extracts (poppler), with layout spacing removed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", handle.name, "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
    return "".join(out.split())


# The extra demo residents' names end in their number: 佐々木　陽0003 is extra resident 3.
EXTRA_NAME = re.compile(r"(佐々木|高橋|渡辺|小林|加藤|吉田|山口|松本|井上|木村)　?\S+?(\d{4})")


def named_residents(pdf: bytes) -> set[str]:
    """The numbers of every extra demo resident a document names."""
    return {m.group(2) for m in EXTRA_NAME.finditer(squeeze(pdf_text(pdf)))}


def squeeze(text: str) -> str:
    """Names are printed with spaces between family and given names: compare without them."""
    return "".join(text.replace("\u3000", " ").split())


def save(pdf: bytes, name: str) -> Path:
    out = Path("test-output") / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return out


def save_pages(pdf: bytes, name: str, pages: tuple[int, ...] = (1,)) -> list[Path]:
    """The PDF and PNGs of ``pages`` it has (80 dpi) under test-output/, to look at: NAME-N.png."""
    out = save(pdf, f"{name}.pdf")
    pngs = []
    for page in (p for p in pages if p <= page_count(pdf)):
        png = out.with_name(f"{out.stem}-{page}")
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(out), str(png)],
            check=True,
        )
        pngs.append(png.with_suffix(".png"))
    return pngs


def page_count(pdf: bytes) -> int:
    """The number of pages, as pdfinfo (poppler) reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, check=True).stdout
    return int(re.search(rb"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def page_text(pdf: bytes, page: int) -> str:
    """What pdftotext reads on one page (1-based), whitespace removed like ``pdf_text``."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page)]
            + [handle.name, "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
    return "".join(out.split())


def qr_payloads(pdf: bytes, dpi: int = 200) -> list[str]:
    """Rasterise every page (pdftoppm) and decode every QR code on them (zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")],
            check=True,
        )
        found = []
        for png in sorted(Path(folder).glob("page*.png")):
            found += [
                r.text
                for r in zxingcpp.read_barcodes(Image.open(png))
                if r.format == zxingcpp.BarcodeFormat.QRCode
            ]
        return found


def drawn_glyphs(pdf: bytes) -> list[tuple[str, tuple]]:
    """Every glyph the pages draw: the embedded font's name and the glyph's outline.

    The outline is read from the font embedded in the PDF (a TrueType subset whose glyph ids
    are the text's 2-byte codes, Identity-H), as a fontTools RecordingPen value: compare it
    with the outline a font file holds for the glyph asked for.
    """
    import io

    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    drawn: list[tuple[str, tuple]] = []
    embedded: dict[tuple[int, str], tuple[str, TTFont]] = {}
    for number, page in enumerate(reader.pages):
        fonts = page["/Resources"]["/Font"]
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                key = (number, str(operands[0]))
                if key not in embedded:
                    font = fonts[operands[0]].get_object()
                    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                    data = descriptor["/FontFile2"].get_object().get_data()
                    name = str(font["/BaseFont"]).split("+", 1)[-1]
                    embedded[key] = (name, TTFont(io.BytesIO(data)))
                current = embedded[key]
            elif operator in (b"Tj", b"TJ") and current is not None:
                strings = operands[0] if operator == b"TJ" else operands
                for item in strings:
                    if isinstance(item, str | bytes):
                        raw = item.original_bytes if hasattr(item, "original_bytes") else item
                        name, font = current
                        glyph_set = font.getGlyphSet()
                        for i in range(0, len(raw), 2):
                            pen = RecordingPen()
                            glyph_set[font.getGlyphName(int.from_bytes(raw[i : i + 2]))].draw(pen)
                            drawn.append((name, tuple(pen.value)))
    return drawn


def save_page_one(pdf: bytes, name: str, dpi: int = 150) -> Path:
    """Page 1 as test-output/NAME.png, to look at what a test printed."""
    out = Path(__file__).resolve().parents[2] / "test-output" / f"{name}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
             handle.name, str(out.with_suffix(""))],
            check=True,
        )  # fmt: skip
    return out

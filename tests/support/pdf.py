"""Reading back what we render, as a recipient's software would."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


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

"""Reading back what we render, as a recipient's software would."""

from __future__ import annotations

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


def squeeze(text: str) -> str:
    """Names are printed with spaces between family and given names: compare without them."""
    return "".join(text.replace("\u3000", " ").split())


def save(pdf: bytes, name: str) -> Path:
    out = Path("test-output") / name
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(pdf)
    return out


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

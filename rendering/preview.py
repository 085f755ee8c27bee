"""A PDF's first page as a PNG, for showing a certificate on a page (pypdfium2: PDFium, the
PDF engine of Chromium, rather than a renderer of our own or a subprocess per image)."""

from __future__ import annotations

import io

import pypdfium2

PREVIEW_DPI = 110  # an A4 page ≈ 910 × 1290 pixels: the 公印 and names readable on a screen


def first_page_png(pdf: bytes, dpi: int = PREVIEW_DPI) -> bytes:
    """The first page of ``pdf`` as PNG bytes at ``dpi`` (dots per inch)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()

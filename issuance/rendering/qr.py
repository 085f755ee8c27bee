"""QR codes as inline SVG, so they stay vector (sharp on any printer) and carry no text layer."""

from __future__ import annotations

import re
from functools import lru_cache

import segno


@lru_cache(maxsize=256)
def qr_svg(data: str, size_mm: float = 24.0) -> str:
    """An inline ``<svg>`` of the QR code for ``data``, ``size_mm`` wide including its margin."""
    svg = segno.make(data, error="m", micro=False).svg_inline(scale=1, border=4, omitsize=True)
    return re.sub(r"^<svg ", f'<svg width="{size_mm}mm" height="{size_mm}mm" ', svg, count=1)

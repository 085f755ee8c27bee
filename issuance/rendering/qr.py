"""QR codes as tiny 1-bit PNGs, one pixel per module, drawn without interpolation.

A QR code is a grid of modules, so a PNG at one pixel per module scaled up with
``image-rendering: pixelated`` prints exactly as sharp as vector art, and costs WeasyPrint
almost nothing (an SVG path of a version-13 code cost ~25 ms per document to parse and draw).
The mask is fixed: any of the eight is valid for readers, and searching for the best one
cost ~15 ms per document in pure Python.
"""

from __future__ import annotations

import base64
import io

import segno


def qr_png_data_url(data: str) -> str:
    """A ``data:`` URL of the QR code for ``data``, with its 4-module quiet zone."""
    code = segno.make(data, error="m", micro=False, mask=0)
    out = io.BytesIO()
    code.save(out, kind="png", scale=1, border=4)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()

"""Small helpers for handing SVG art to WeasyPrint."""

from __future__ import annotations

from base64 import b64encode


def svg_data_url(svg: str) -> str:
    """An SVG as a data URL, so WeasyPrint can cache it by URL and the HTML stays small."""
    return "data:image/svg+xml;base64," + b64encode(svg.encode("utf-8")).decode("ascii")

"""The municipality's official seal (公印) drawn as red vector paths, never as text."""

from __future__ import annotations

import math
import threading
from base64 import b64encode

from issuance.documents import Issuer
from rendering.glyphs import GlyphOutline, GlyphOutliner
from rendering.svg import svg_data_url

SEAL_RED = "#d2231e"
_SIZE = 100.0  # the SVG's user units; the page sizes the image
_BORDER = 5.0
_PADDING = 4.0
_GLYPH_STROKE = 45  # font units; thickens strokes the way a carved seal looks
_MAX_STRETCH = 2.2  # keeps thin glyphs such as 一 from becoming blocks


def seal_text(municipality_name: str) -> str:
    """The words a municipal seal carries: 「千代田区之印」."""
    return f"{municipality_name}之印"


def _grid(count: int) -> tuple[int, int]:
    columns = math.ceil(math.sqrt(count))
    return columns, math.ceil(count / columns)


def _placed_glyph(glyph: GlyphOutline, x: float, y: float, width: float, height: float) -> str:
    """One glyph stretched to fill its cell, as an SVG path element."""
    if not glyph.path or glyph.bounds is None:
        return ""
    x_min, y_min, x_max, y_max = glyph.bounds
    sx = width / max(x_max - x_min, 1.0)
    sy = height / max(y_max - y_min, 1.0)
    sx, sy = min(sx, sy * _MAX_STRETCH), min(sy, sx * _MAX_STRETCH)
    dx = x + (width - (x_max - x_min) * sx) / 2 - x_min * sx
    dy = y + (height - (y_max - y_min) * sy) / 2 - y_min * sy
    return f'<path transform="matrix({sx:.5f} 0 0 {sy:.5f} {dx:.3f} {dy:.3f})" d="{glyph.path}"/>'


def seal_svg(text: str, outliner: GlyphOutliner) -> str:
    """A square seal reading in columns from the right, top to bottom, as in Japanese seals."""
    columns, rows = _grid(len(text))
    inner = _SIZE - 2 * (_BORDER + _PADDING)
    cell_w, cell_h = inner / columns, inner / rows
    origin = _BORDER + _PADDING
    paths = []
    for index, char in enumerate(text):
        column, row = divmod(index, rows)
        x = origin + (columns - 1 - column) * cell_w
        y = origin + row * cell_h
        gap = cell_w * 0.06
        paths.append(
            _placed_glyph(
                outliner.outline(char), x + gap, y + gap, cell_w - 2 * gap, cell_h - 2 * gap
            )
        )
    half = _BORDER / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_SIZE:g} {_SIZE:g}" '
        f'width="{_SIZE:g}" height="{_SIZE:g}">'
        f'<rect x="{half}" y="{half}" width="{_SIZE - _BORDER}" height="{_SIZE - _BORDER}" '
        f'rx="3" fill="none" stroke="{SEAL_RED}" stroke-width="{_BORDER}"/>'
        f'<g fill="{SEAL_RED}" stroke="{SEAL_RED}" stroke-width="{_GLYPH_STROKE}" '
        f'stroke-linejoin="round">{"".join(paths)}</g></svg>'
    )


class SealCache:
    """Seal data URLs built once per municipality name; safe to share between threads."""

    def __init__(self, outliner: GlyphOutliner) -> None:
        self._outliner = outliner
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def for_issuer(self, issuer: Issuer) -> str:
        """The issuer's uploaded 公印 (a checked PNG) as a data URL, else the drawn one."""
        if issuer.seal_png is not None:
            return "data:image/png;base64," + b64encode(issuer.seal_png).decode("ascii")
        return self.data_url(issuer.municipality_name)

    def data_url(self, municipality_name: str) -> str:
        text = seal_text(municipality_name)
        with self._lock:
            url = self._urls.get(text)
        if url is None:
            url = svg_data_url(seal_svg(text, self._outliner))
            with self._lock:
                self._urls[text] = url
        return url

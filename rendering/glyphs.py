"""Glyph outlines from a TrueType font as SVG path data, so art carries no extractable text."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from issuance.characters import GOTHIC_PATH, MINCHO_PATH

__all__ = ["GOTHIC_PATH", "MINCHO_PATH", "GlyphOutline", "GlyphOutliner"]


@dataclass(frozen=True)
class GlyphOutline:
    """One character's outline in font units, y pointing down (SVG's way)."""

    path: str  # SVG path data; empty for a blank glyph
    advance: int  # horizontal advance in font units
    bounds: tuple[float, float, float, float] | None  # x_min, y_min, x_max, y_max


class GlyphOutliner:
    """Reads one font once and hands out cached outlines; safe to share between threads."""

    def __init__(self, font_path: Path) -> None:
        self._font = TTFont(str(font_path), lazy=True)
        self._glyph_set = self._font.getGlyphSet()
        self._cmap = self._font.getBestCmap()
        self._ascent = self._font["hhea"].ascent
        self.units_per_em: int = self._font["head"].unitsPerEm
        self._cache: dict[str, GlyphOutline] = {}
        # fontTools loads tables lazily and is not thread-safe while doing so.
        self._lock = threading.Lock()

    def outline(self, char: str) -> GlyphOutline:
        """The outline of ``char``, with the em box's top at y=0 and its baseline at ascent."""
        with self._lock:
            cached = self._cache.get(char)
            if cached is None:
                cached = self._cache[char] = self._draw(char)
            return cached

    def _draw(self, char: str) -> GlyphOutline:
        glyph_name = self._cmap.get(ord(char), ".notdef")
        glyph = self._glyph_set[glyph_name]
        path_pen = SVGPathPen(self._glyph_set)
        bounds_pen = BoundsPen(self._glyph_set)
        flip = (1, 0, 0, -1, 0, self._ascent)
        glyph.draw(TransformPen(path_pen, flip))
        glyph.draw(TransformPen(bounds_pen, flip))
        return GlyphOutline(path_pen.getCommands(), glyph.width, bounds_pen.bounds)

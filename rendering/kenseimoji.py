"""The けん制 background: 「複写」 tiled diagonally in light grey, as outlines rather than text."""

from __future__ import annotations

from rendering.glyphs import GlyphOutliner

KENSEI_WORD = "複写"
KENSEI_GREY = "#ebebeb"
TILE_WIDTH_MM = 64.0
TILE_HEIGHT_MM = 42.0
_WORD_HEIGHT_MM = 11.0
_ANGLE_DEG = -30.0


def _word_paths(word: str, outliner: GlyphOutliner) -> tuple[str, int]:
    """The word's glyph paths laid out side by side, and its total advance, in font units."""
    paths, x = [], 0
    for char in word:
        glyph = outliner.outline(char)
        if glyph.path:
            paths.append(f'<path transform="translate({x} 0)" d="{glyph.path}"/>')
        x += glyph.advance
    return "".join(paths), x


def kensei_tile_svg(outliner: GlyphOutliner, word: str = KENSEI_WORD) -> str:
    """One tile of the pattern, two staggered words so repeats form diagonal rows."""
    paths, advance = _word_paths(word, outliner)
    scale = _WORD_HEIGHT_MM / outliner.units_per_em
    half_w, half_h = advance * scale / 2, _WORD_HEIGHT_MM / 2
    placements = (
        (TILE_WIDTH_MM * 0.25, TILE_HEIGHT_MM * 0.25),
        (TILE_WIDTH_MM * 0.75, TILE_HEIGHT_MM * 0.75),
    )
    words = "".join(
        f'<g transform="translate({cx:.2f} {cy:.2f}) rotate({_ANGLE_DEG:g}) '
        f'translate({-half_w:.2f} {-half_h:.2f}) scale({scale:.6f})">{paths}</g>'
        for cx, cy in placements
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{TILE_WIDTH_MM:g}mm" height="{TILE_HEIGHT_MM:g}mm" '
        f'viewBox="0 0 {TILE_WIDTH_MM:g} {TILE_HEIGHT_MM:g}">'
        f'<g fill="{KENSEI_GREY}">{words}</g></svg>'
    )

"""Refuses text the certificate fonts cannot draw (外字), before anything is laid out."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from issuance.refusals import RefusalError
from issuance.rendering.glyphs import GOTHIC_PATH, MINCHO_PATH

UNSUPPORTED_CHARACTER = "UNSUPPORTED_CHARACTER"


@lru_cache(maxsize=8)
def font_coverage(*paths: Path) -> frozenset[int]:
    """The code points every one of ``paths`` can draw: text may be set in any of them."""
    covered: frozenset[int] | None = None
    for path in paths:
        font = TTFont(str(path), lazy=True)
        cmap = frozenset(font.getBestCmap())
        font.close()
        covered = cmap if covered is None else covered & cmap
    return covered or frozenset()


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if not value.startswith("data:"):  # images (seal impressions) are not text
            yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def missing_characters(text: str, covered: frozenset[int]) -> list[str]:
    """Characters of ``text`` no font covers, in order, each once; control characters aside."""
    seen: list[str] = []
    for char in text:
        if ord(char) >= 0x20 and ord(char) not in covered and char not in seen:
            seen.append(char)
    return seen


def check_printable(view: object, *, fonts: tuple[Path, ...] = (MINCHO_PATH, GOTHIC_PATH)) -> None:
    """Raise UNSUPPORTED_CHARACTER if any string of ``view`` holds a character the fonts lack.

    A missing glyph would print as a blank box on an official document: refuse instead, and
    send the resident to the counter (the 外字 must first be registered for kiosk printing).
    """
    covered = font_coverage(*fonts)
    missing: list[str] = []
    for text in _strings(view):
        missing += [c for c in missing_characters(text, covered) if c not in missing]
    if missing:
        raise RefusalError(UNSUPPORTED_CHARACTER, code_points=[f"U+{ord(c):04X}" for c in missing])

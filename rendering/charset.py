"""The renderer's last line on characters, and variation sequences steered to IPAmj明朝."""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

from issuance.characters import SELECTOR, CertificateCharset
from issuance.refusals import RefusalError

UNSUPPORTED_CHARACTER = "UNSUPPORTED_CHARACTER"
# A base character and its variation selector; the selector is kept with its base.
_SEQUENCE = re.compile(f".{SELECTOR.pattern}", re.S)


def check_printable(doc: object, charset: CertificateCharset) -> None:
    """Raise UNSUPPORTED_CHARACTER if any string of ``doc`` breaks the certificate's rules.

    ``doc`` is the record document (JuminhyoDocument, CertificateDocument): its field names
    say where the fallback font may draw (issuance/characters.py, the rules the BCL import
    applies). Records from an own server are checked here only; a missing glyph would print as
    a blank box on an official document, a control character as garbage: refuse instead, and
    send the resident to the counter. ``details["code_points"]``: ``["U+001A", "U+845B U+E0102"]``.
    """
    points: dict[str, None] = {}
    for problem in charset.problems(doc):
        points.update(dict.fromkeys(problem.code_points))
    if points:
        raise RefusalError(UNSUPPORTED_CHARACTER, code_points=list(points))


def fallback_sequences(charset: CertificateCharset) -> Callable[[object], object]:
    """A Jinja ``finalize``: wraps each variation sequence the IPAex fonts lack in
    ``<span class="mj">``, so IPAmj明朝 draws its variant.

    Pango picks a font by the base character alone, and IPAex has the base of most MJ
    variants (葛, 邉 …): without the span the base glyph would print and the selector be
    dropped. Other values pass unchanged (autoescape still escapes them).
    """

    def finalize(value: object) -> object:
        if type(value) is not str or not SELECTOR.search(value):
            return value
        parts, last = [], 0
        for match in _SEQUENCE.finditer(value):
            base, selector = match.group()[0], match.group()[1]
            if charset.needs_fallback_font(base, selector):
                parts += [escape(value[last : match.start()]), Markup('<span class="mj">')]
                parts += [escape(match.group()), Markup("</span>")]
                last = match.end()
        return Markup("").join([*parts, escape(value[last:])])

    return finalize

"""Renders a 住民票の写し to PDF with WeasyPrint, reusing everything that does not change."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import jinja2
from markupsafe import Markup

from issuance.characters import CertificateCharset, certificate_charset
from issuance.documents import JuminhyoDocument, RenderedDocument
from rendering.charset import check_printable, fallback_sequences
from rendering.glyphs import GOTHIC_PATH, MINCHO_PATH, GlyphOutliner
from rendering.juminhyo_view import CONTINUATION_MARK, juminhyo_view
from rendering.kenseimoji import kensei_tile_svg
from rendering.kit import TEMPLATES, CompactLoader, ThreadKit
from rendering.seal import SealCache
from rendering.stamp import stamp_context
from rendering.svg import svg_data_url


class JuminhyoRenderer:
    """Turns a JuminhyoDocument into a PDF.

    One instance may be shared by many threads: the template, glyph outlines and seals are
    shared, and each thread lazily gets its own FontConfiguration and parsed CSS (WeasyPrint's
    Pango objects are not thread-safe), built once on that thread's first render (~20 ms).

    Names and addresses IPAex cannot draw fall back to IPAmj明朝 when ``charset`` has it
    (the stylesheets list it after IPAex); without it they are refused.
    """

    def __init__(
        self,
        *,
        mincho_path: Path = MINCHO_PATH,
        gothic_path: Path = GOTHIC_PATH,
        charset: CertificateCharset | None = None,
    ) -> None:
        self._charset = charset or certificate_charset()
        self._charset.warm_up()  # the fonts' coverage is read here, not on a first render
        self._env = jinja2.Environment(
            loader=CompactLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            finalize=fallback_sequences(self._charset),
        )
        self._template = self._env.get_template("juminhyo.html")
        self._seals = SealCache(GlyphOutliner(mincho_path))
        kensei_url = svg_data_url(kensei_tile_svg(GlyphOutliner(gothic_path)))
        self._css_text = self._env.get_template("juminhyo.css").render(
            kensei_url=kensei_url,
            continuation_mark=CONTINUATION_MARK,
            fallback=Markup(', "IPAmjMincho"' if self._charset.has_fallback else ""),
        )
        self._ua_text = (TEMPLATES / "ua.css").read_text(encoding="utf-8")
        self._local = threading.local()
        self._kit()  # the constructing thread pays its set-up cost here, not on first render

    def _kit(self) -> ThreadKit:
        kit: ThreadKit | None = getattr(self._local, "kit", None)
        if kit is None:
            kit = self._local.kit = ThreadKit(self._css_text, self._ua_text)
        return kit

    @property
    def css_text(self) -> str:
        """The stylesheet as rendered once at start-up (the けん制 tile is inlined)."""
        return self._css_text

    def html(self, doc: JuminhyoDocument) -> str:
        """The document's HTML, stylesheet inlined: exactly what ``render`` lays out."""
        return self._markup(doc, inline_css=True)

    def _markup(self, doc: JuminhyoDocument, *, inline_css: bool) -> str:
        check_printable(doc, self._charset)  # refused, never printed as a box or garbage
        view = juminhyo_view(doc)
        return self._template.render(
            view=view,
            seal_url=self._seals.for_issuer(doc.issuer),
            sample=doc.sample,
            stamp=stamp_context(doc.stamp),
            inline_css=self._css_text if inline_css else None,
        )

    def render(self, doc: JuminhyoDocument) -> RenderedDocument:
        """Lay out and write the PDF, with the facts the centre checks before issuing it."""
        pdf, pages = self._kit().render(self._markup(doc, inline_css=False))
        return RenderedDocument(
            pdf=pdf,
            pages=pages,
            digest=hashlib.sha256(pdf).hexdigest(),
            subject_codes=tuple(person.juminhyo_code for person in doc.members),
        )

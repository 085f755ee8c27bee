"""Renders every certificate kind: the 住民票 ones, and the others each with its own layout."""

from __future__ import annotations

import hashlib

from issuance.characters import CertificateCharset
from issuance.documents import CertificateDocument, JuminhyoDocument, RenderedDocument
from rendering.certificate_view import TEMPLATES as KIND_TEMPLATES
from rendering.certificate_view import certificate_view
from rendering.charset import check_printable
from rendering.juminhyo import JuminhyoRenderer
from rendering.stamp import stamp_context


class CertificateRenderer(JuminhyoRenderer):
    """A JuminhyoRenderer that also lays out 印鑑, 課税/所得, 戸籍 and 附票 certificates.

    They share the 住民票's page (けん制 background, seal, serial and page marks); each kind
    has its own template extending ``certificate.html``.
    """

    def __init__(self, *, charset: CertificateCharset | None = None) -> None:
        super().__init__(charset=charset)
        self._kinds = {name: self._env.get_template(name) for name in set(KIND_TEMPLATES.values())}

    def html(self, doc: JuminhyoDocument | CertificateDocument) -> str:  # type: ignore[override]
        if isinstance(doc, JuminhyoDocument):
            return super().html(doc)
        return self._certificate_markup(doc, inline_css=True)

    def _certificate_markup(self, doc: CertificateDocument, *, inline_css: bool) -> str:
        check_printable(doc, self._charset)  # refused, never printed as a box or garbage
        view = certificate_view(doc)
        return self._kinds[view.template].render(
            view=view,
            seal_url=self._seals.for_issuer(doc.issuer),
            sample=doc.sample,
            stamp=stamp_context(doc.stamp),
            inline_css=self._css_text if inline_css else None,
        )

    def render(self, doc: JuminhyoDocument | CertificateDocument) -> RenderedDocument:  # type: ignore[override]
        if isinstance(doc, JuminhyoDocument):
            return super().render(doc)
        pdf, pages = self._kit().render(self._certificate_markup(doc, inline_css=False))
        return RenderedDocument(
            pdf=pdf,
            pages=pages,
            digest=hashlib.sha256(pdf).hexdigest(),
            subject_codes=doc.subject_codes,
        )

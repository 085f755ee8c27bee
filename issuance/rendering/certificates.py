"""Renders every certificate kind: the 住民票 ones, and the others through one shared page."""

from __future__ import annotations

import hashlib

from weasyprint import HTML

from issuance.records import CertificateDocument, JuminhyoDocument, RenderedDocument
from issuance.rendering.certificate_view import certificate_view
from issuance.rendering.juminhyo import TEMPLATES, JuminhyoRenderer
from issuance.rendering.stamp import stamp_context


class CertificateRenderer(JuminhyoRenderer):
    """A JuminhyoRenderer that also lays out 印鑑, 課税/所得, 戸籍 and 附票 certificates.

    They share the 住民票's page (けん制 background, seal, serial and page marks).
    """

    def __init__(self) -> None:
        super().__init__()
        self._certificate = self._env.get_template("certificate.html")

    def html(self, doc: JuminhyoDocument | CertificateDocument) -> str:  # type: ignore[override]
        if isinstance(doc, JuminhyoDocument):
            return super().html(doc)
        return self._certificate_markup(doc, inline_css=True)

    def _certificate_markup(self, doc: CertificateDocument, *, inline_css: bool) -> str:
        return self._certificate.render(
            view=certificate_view(doc),
            seal_url=self._seals.data_url(doc.issuer.municipality_name),
            stamp=stamp_context(doc.stamp),
            inline_css=self._css_text if inline_css else None,
        )

    def render(self, doc: JuminhyoDocument | CertificateDocument) -> RenderedDocument:  # type: ignore[override]
        if isinstance(doc, JuminhyoDocument):
            return super().render(doc)
        kit = self._kit()
        markup = self._certificate_markup(doc, inline_css=False)
        document = HTML(string=markup, base_url=str(TEMPLATES)).render(
            font_config=kit.font_config, stylesheets=[kit.stylesheet]
        )
        pdf = document.write_pdf()
        return RenderedDocument(
            pdf=pdf,
            pages=len(document.pages),
            digest=hashlib.sha256(pdf).hexdigest(),
            subject_codes=doc.subject_codes,
        )

"""Turns certificate records into printable PDFs."""

from issuance.rendering.certificates import CertificateRenderer
from issuance.rendering.juminhyo import JuminhyoRenderer

__all__ = ["CertificateRenderer", "JuminhyoRenderer"]

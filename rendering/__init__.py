"""Turns certificate records into printable PDFs."""

from rendering.certificates import CertificateRenderer
from rendering.juminhyo import JuminhyoRenderer

__all__ = ["CertificateRenderer", "JuminhyoRenderer"]

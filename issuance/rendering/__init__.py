"""Turns certificate records into printable PDFs."""

from issuance.rendering.juminhyo import JuminhyoRenderer

__all__ = ["JuminhyoRenderer"]

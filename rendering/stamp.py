"""What the templates need to print a document's verification stamp."""

from __future__ import annotations

from urllib.parse import quote

from issuance.authenticity.register import TOKEN_PREFIX
from issuance.documents import Stamp
from rendering.qr import qr_png_data_url


def stamp_context(stamp: Stamp | None) -> dict[str, str] | None:
    """The QR (a PNG data URL), the page to name in words, and the PDF keywords with the token."""
    if stamp is None:
        return None
    page = stamp.url.split("?", 1)[0]
    return {
        "qr": qr_png_data_url(f"{stamp.url}?t={quote(stamp.token, safe='')}"),
        "verify_page": page,
        "keywords": f"{TOKEN_PREFIX}{stamp.token}",
    }

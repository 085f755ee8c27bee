"""Text of files saved from Excel by municipalities and operators: UTF-8 (BOM or not), CP932."""

from __future__ import annotations

import codecs


def decode_excel_text(data: bytes) -> str | None:
    """``data`` as text: UTF-8 with or without a BOM, else CP932 (what Excel's plain "CSV"
    saves in Japan); None when it is neither. Callers report None as their own NOT_READABLE."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None

"""PDFs anyone may upload: read in memory within bounds, and every failure one stable error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from issuance.errors import KofuError

MAX_PDF_BYTES = 5 * 1024 * 1024  # a long 住民票 with the centre's signature is far smaller


class PdfUnreadableError(KofuError):
    code = "PDF_UNREADABLE"
    message_ja = "PDFファイルを読み取れませんでした。交付されたファイルをそのまま送信してください。"
    message_en = "The PDF file could not be read. Send the file exactly as it was issued."


@contextmanager
def untrusted_pdf() -> Iterator[None]:
    """The boundary around parsing a stranger's PDF: whatever the parser raises is refused.

    The parsers (pypdf, pyHanko) work on bytes in memory, so nothing they raise is the
    centre's own failure: their own errors, a RecursionError from deep nesting, an
    OverflowError from a huge count, a zlib error or pypdf's LimitReachedError from a
    bomb, a NotImplementedError from an unknown filter. Each is one refusal, not a 500.
    """
    try:
        yield
    except PdfUnreadableError:
        raise
    except Exception as exc:  # noqa: BLE001 - see above: the input's fault, whatever its kind
        raise PdfUnreadableError() from exc

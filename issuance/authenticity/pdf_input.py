"""PDFs anyone may upload: read in memory within bounds, and every failure one stable error."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from issuance.errors import KofuError

MiB = 1024 * 1024
MAX_PDF_BYTES = 5 * MiB  # a long 住民票 with the centre's signature is far smaller
# The renderer's streams decode to a few hundred kB; the parsers' own defaults (75 MB a
# stream in pypdf, 256 MB a document in pyHanko) are meant for any PDF, not ours.
MAX_DECODED_STREAM = 16 * MiB
MAX_DECODED_DOCUMENT = 32 * MiB
MAX_ELEMENTS = 10_000  # in one array or dictionary
MAX_XREF_ENTRIES = 100_000
# Each revision a reader follows (/Prev) and each object it resolves costs time; a real
# certificate has one or two revisions and resolves a few hundred objects in milliseconds.
MAX_REVISIONS = 32
PARSE_SECONDS = 1.5  # per reader: a check reads with pypdf, then perhaps pyHanko
# /Prev, also spelt with #xx escapes (a name may escape any character); case-insensitive,
# so it over-counts if anything: it is a bound.
_PREV = re.compile(rb"/(?:P|#50)(?:r|#72)(?:e|#65)(?:v|#76)", re.IGNORECASE)


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
    from pypdf import apply_configuration, get_configuration

    limits = {
        name: MAX_DECODED_STREAM
        for name in (
            "maximum_declared_stream_length",
            "array_based_stream_maximum_output_length",
            "jbig2_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "zlib_maximum_output_length",
            "brotli_maximum_output_length",
        )
    }
    try:
        bounded = get_configuration().with_overwrites(
            array_maximum_element_count=MAX_ELEMENTS,
            dictionary_maximum_element_count=MAX_ELEMENTS,
            **limits,
        )
        with apply_configuration(bounded):  # a context variable: this thread's parsing only
            yield
    except PdfUnreadableError:
        raise
    except Exception as exc:  # noqa: BLE001 - see above: the input's fault, whatever its kind
        raise PdfUnreadableError() from exc


def _check_revisions(pdf: bytes) -> None:
    """Refuse before parsing a chain of more revisions than the readers should follow."""
    if len(_PREV.findall(pdf)) > MAX_REVISIONS:
        raise PdfUnreadableError()


def _deadline(seconds: float) -> Callable[[], None]:
    """A check that raises PdfUnreadableError once ``seconds`` have passed."""
    end = time.monotonic() + seconds

    def check() -> None:
        if time.monotonic() > end:
            raise PdfUnreadableError()

    return check


def pypdf_reader(pdf: bytes, seconds: float = PARSE_SECONDS) -> Any:
    """A pypdf reader for ``pdf``; use it (it parses lazily) inside ``untrusted_pdf()``.

    Every object it resolves checks the time first: past ``seconds`` the file is refused.
    """
    from pypdf import PdfReader

    _check_revisions(pdf)
    check = _deadline(seconds)

    class BoundedReader(PdfReader):
        def get_object(self, *args: Any, **kwargs: Any) -> Any:
            check()
            return super().get_object(*args, **kwargs)

    return BoundedReader(io.BytesIO(pdf), xref_stream_maximum_entries=MAX_XREF_ENTRIES)


def pyhanko_reader(pdf: bytes, seconds: float = PARSE_SECONDS) -> Any:
    """A pyHanko reader for ``pdf`` that decodes at most what a certificate could need,
    and refuses (PdfUnreadableError) to resolve objects past ``seconds``."""
    from pyhanko.pdf_utils.decode_limits import (
        DecodeLimits,
        DocumentDecodeBudget,
        StreamDecodeLimits,
    )
    from pyhanko.pdf_utils.reader import PdfFileReader

    limits = DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=MAX_DECODED_STREAM),
        document_budget=DocumentDecodeBudget(base_allowance=MAX_DECODED_DOCUMENT, max_ratio=10),
    )
    _check_revisions(pdf)
    check = _deadline(seconds)

    class BoundedReader(PdfFileReader):  # type: ignore[misc]
        def get_object(self, *args: Any, **kwargs: Any) -> Any:
            check()
            return super().get_object(*args, **kwargs)

    return BoundedReader(io.BytesIO(pdf), decode_limits=limits)

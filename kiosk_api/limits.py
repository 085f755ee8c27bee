"""Protocol limits: bodies (chunked too), URIs and headers refused with a JSON 413/414/431."""

from __future__ import annotations

import io

from flask import Flask, request
from werkzeug.exceptions import (
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)

# Below gunicorn's own limits (4,094 and 8,190 bytes), so the app answers in JSON before the
# server would answer in plain text.
MAX_URI_BYTES = 4_000
MAX_HEADER_BYTES = 8_000


def read_body() -> bytes:
    """The whole body, or 413 past ``request.max_content_length``, however it was sent.

    With a Content-Length, Werkzeug refuses too large a body up front. A chunked body has
    none, and Werkzeug's reader silently stops at the limit: the view would see a truncated
    body (a JSON body then looked malformed, not too large).
    """
    limit = request.max_content_length
    if limit is None or request.content_length is not None:
        return request.get_data(cache=False)
    if not request.environ.get("wsgi.input_terminated"):
        return b""  # neither a length nor a chunked end: Werkzeug reads nothing either
    data = request.environ["wsgi.input"].read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    return bytes(data)


def whole_form_body() -> None:
    """Make a form's body whole before Werkzeug parses it: 413 past the limit, however sent.

    A chunked upload has no Content-Length, and Werkzeug's form parser stops at the limit
    without a word (the file came out cut short, then "unreadable"). Read through
    ``read_body``, the form is parsed from what was read.
    """
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return  # with a length, Werkzeug refuses too large a body itself
    data = read_body()
    request.environ["wsgi.input"] = io.BytesIO(data)
    request.environ["CONTENT_LENGTH"] = str(len(data))
    request.environ.pop("HTTP_TRANSFER_ENCODING", None)
    request.environ.pop("wsgi.input_terminated", None)


def register_limits(app: Flask) -> None:
    @app.before_request
    def _refuse_oversized_request_line_and_headers() -> None:
        uri = request.environ.get("RAW_URI") or request.full_path
        if len(uri.encode("utf-8", "surrogateescape")) > MAX_URI_BYTES:
            raise RequestURITooLarge()
        headers = sum(len(k) + len(v) + 4 for k, v in request.headers.items())
        if headers > MAX_HEADER_BYTES:
            raise RequestHeaderFieldsTooLarge()

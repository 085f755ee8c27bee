"""Every HTTP request of a face: its id (``X-Request-Id``), one access-log line, its duration.

A WSGI middleware, so the kiosk API and the portal share it without sharing Flask code. The
app tells it the route template it matched (``environ[ROUTE]``, e.g.
``/v1/sessions/<session_id>/requests``: never the raw path, which carries ids, nor the query
string, which may carry a document token) and, for the kiosk API, the calling kiosk
(``environ[KIOSK]``).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from structlog.contextvars import bound_contextvars
from werkzeug.wsgi import ClosingIterator

from centre import metrics
from centre.logs import REQUEST_ID, get_logger

HEADER = "X-Request-Id"
ROUTE = "kofu.route"  # set by the app: the url rule it matched
KIOSK = "kofu.kiosk"  # set by the kiosk API once the kiosk's credential checked out
ID = "kofu.request_id"  # set here: this request's id, for the app to read
UNMATCHED = "unmatched"  # no route: a 404 (or a 405) before any view ran
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# What a kiosk or a balancer may send as its id: 8 to 64 letters, digits and ._:- (a UUID,
# HAProxy's unique-id, a kiosk's own). Anything else, or a run of 11 digits or more (it could
# be a 住民票コード or 個人番号), is replaced by one of ours.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
_LONG_NUMBER = re.compile(r"\d{11}")

log = get_logger("kofu.http")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def request_id_from(incoming: str | None) -> str:
    """``incoming`` if it is a sane id, else a new one (32 hex digits)."""
    if incoming and _SANE.fullmatch(incoming) and not _LONG_NUMBER.search(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestLog:
    """Wraps a WSGI app: binds the request id for logs (and jobs enqueued meanwhile), answers
    it in ``X-Request-Id``, and when the answer is sent logs ``http_request`` (method, route,
    status, duration_s, kiosk) and observes ``kofu_http_request_duration_seconds``."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        environ[ID] = request_id
        started = time.perf_counter()
        status: list[int] = [500]

        def start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = int(code.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != HEADER.lower()]
            return start_response(code, [*headers, (HEADER, request_id)], exc_info)

        def finish() -> None:
            with bound_contextvars(**{REQUEST_ID: request_id}):
                _record(environ, status[0], time.perf_counter() - started)

        # Bound while the view runs (its lines, the jobs it enqueues, the municipal calls it
        # makes), and unbound when it returns: a thread never carries it to its next request.
        try:
            with bound_contextvars(**{REQUEST_ID: request_id}):
                body = self._app(environ, start)
        except BaseException:
            finish()
            raise
        return ClosingIterator(body, [finish])


def _record(environ: dict[str, Any], status: int, seconds: float) -> None:
    method = environ.get("REQUEST_METHOD", "")
    method = method if method in METHODS else "OTHER"
    route = environ.get(ROUTE) or UNMATCHED
    metrics.HTTP_REQUEST_DURATION.labels(route, method).observe(seconds)
    fields: dict[str, Any] = {
        "method": method,
        "route": route,
        "status": status,
        "duration_s": round(seconds, 4),
    }
    if environ.get(KIOSK):
        fields["kiosk"] = environ[KIOSK]
    log.info("http_request", **fields)


__all__ = ["HEADER", "ID", "KIOSK", "ROUTE", "RequestLog", "request_id_from"]

"""One log configuration for every kofu process: a JSON object per line, personal numbers masked.

Every entry point (`kofu serve`, `kofu worker`, `kofu portal`, and the other `kofu` commands)
calls ``configure`` once before it logs. Lines written with the standard ``logging`` module
(kofu's own, gunicorn's, rq's, SQLAlchemy's) and with ``structlog`` come out the same way:

    {"timestamp": "2026-12-07T00:00:00.000000Z", "level": "info", "logger": "kofu.http",
     "event": "http_request", "request_id": "…", …}

``request_id`` is the HTTP request's id (``X-Request-Id``, ``centre/request_log.py``), bound for
as long as the request lasts and, through the render job's metadata, for its render.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Literal

import structlog
from structlog.contextvars import bound_contextvars, get_contextvars
from structlog.typing import EventDict, Processor

from centre.redaction import mask_codes

LogFormat = Literal["json", "console"]
_HANDLER = "kofu-json"
REQUEST_ID = "request_id"  # the key of the HTTP request's id in every line and job's meta

_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
]


def mask_event(_logger: Any, _method: str, event: EventDict) -> EventDict:
    """Mask every 11- or 12-digit number (住民票コード, 個人番号) in the line's text values,
    its traceback included: the backstop of ``centre/redaction.py`` for the JSON lines."""
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = mask_codes(value)
    return event


def formatter(log_format: LogFormat = "json") -> logging.Formatter:
    """The formatter of every handler: records from ``logging`` and from structlog alike.

    JSON keeps non-ASCII as is (``ensure_ascii=False``): a Japanese message stays readable, and
    a search of the logs for a resident's name finds it (tests/integration/
    test_no_personal_data_in_logs.py relies on it)."""
    renderer: Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.StackInfoRenderer(),
            mask_event,
            renderer,
        ],
    )


def configure_structlog() -> None:
    """Make structlog write through the standard library (so through the handlers below)."""
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,  # a logger made before configure() follows it
    )


def configure(log_format: LogFormat = "json", level: int = logging.INFO) -> None:
    """Route every log line of this process to stderr through ``formatter(log_format)``.

    Idempotent (a second call replaces the handler the first added). Like
    ``logging.basicConfig``, it leaves a root logger that already has other handlers (a test
    harness's, an embedding program's) as it is. Quietens libraries whose INFO is noise and
    those whose warnings may quote a resident's uploaded document.
    """
    configure_structlog()
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == _HANDLER]
    if len(ours) == len(root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(formatter(log_format))
        handler.set_name(_HANDLER)
        for old in ours:
            root.removeHandler(old)
        root.addHandler(handler)
        root.setLevel(level)
    for name in ("weasyprint", "fontTools", "alembic.runtime.plugins"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # Their warnings about a malformed uploaded PDF (verification) may quote its bytes: a
    # resident's document. A broken upload is answered to its sender, not logged.
    for name in ("pypdf", "pyhanko"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.captureWarnings(True)  # warnings.warn output is masked and rendered too


def use_formatter(loggers: list[logging.Logger], log_format: LogFormat = "json") -> None:
    """Give the handlers of loggers that do not propagate (gunicorn's) the same formatter."""
    for logger in loggers:
        for handler in logger.handlers:
            handler.setFormatter(formatter(log_format))


def current_request_id() -> str | None:
    """The id of the HTTP request (or render job) this thread works for, if any."""
    value = get_contextvars().get(REQUEST_ID)
    return value if isinstance(value, str) else None


def job_meta() -> dict[str, str]:
    """What a job enqueued now carries to the worker that runs it (its ``meta``)."""
    request_id = current_request_id()
    return {REQUEST_ID: request_id} if request_id else {}


def bound_request_id(meta: Mapping[str, Any] | None) -> AbstractContextManager[Any]:
    """Bind ``meta``'s request id (a job's), if it has one, for a ``with`` block."""
    value = (meta or {}).get(REQUEST_ID)
    if isinstance(value, str) and value:
        return bound_contextvars(**{REQUEST_ID: value})
    return nullcontext()


def get_logger(name: str) -> Any:
    """A structlog logger writing through the standard library (so through ``configure``)."""
    return structlog.stdlib.get_logger(name)


__all__ = [
    "REQUEST_ID",
    "LogFormat",
    "bound_request_id",
    "configure",
    "configure_structlog",
    "current_request_id",
    "formatter",
    "get_logger",
    "job_meta",
    "mask_event",
    "use_formatter",
]

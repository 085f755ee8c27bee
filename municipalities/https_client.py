"""One own server's HTTPS connections: mutual TLS, kept alive, a total deadline, a size cap."""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass
from typing import Any

from structlog.contextvars import get_contextvars
from urllib3 import HTTPSConnectionPool, Timeout
from urllib3.connection import HTTPSConnection
from urllib3.exceptions import HTTPError, ProtocolError, ReadTimeoutError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.util import parse_url

from municipalities.deadline import Alarm, Watchdog
from municipalities.tls import TlsFiles

CHUNK_BYTES = 64 * 1024  # how far past the size cap a refused answer may be read
_calls = threading.local()  # the alarm of the call this thread is making, for its sockets


class OutboundError(Exception):
    """A call that got no usable answer; ``reason`` is "timeout", "connect" or "too_large"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` if it is not."""
        return json.loads(self.body)


class _WatchedConnection(HTTPSConnection):
    """Hands each socket it uses to the calling thread's alarm (new or kept-alive ones)."""

    def _new_conn(self) -> Any:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:
            _watch(self.sock)
        super().request(*args, **kwargs)


def _watch(sock: Any) -> None:
    alarm: Alarm | None = getattr(_calls, "alarm", None)
    if alarm is not None:
        alarm.watch(sock)


class _WatchedPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedConnection


def client_context(tls: TlsFiles) -> ssl.SSLContext:
    """Client side of mutual TLS: the centre's certificate, the municipal CA, host names checked."""
    context = ssl.create_default_context(cafile=str(tls.ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(tls.cert), str(tls.key))
    return context


class ServerClient:
    """Kept-alive connections to one server, safe to share between threads.

    ``keep`` connections stay open between calls (more are opened when more threads call at
    once, and closed after use); each new one costs a TCP and TLS handshake.
    """

    def __init__(self, url: str, tls: TlsFiles, watchdog: Watchdog, keep: int = 8) -> None:
        parsed = parse_url(url)
        if parsed.scheme != "https" or not parsed.host:
            raise ValueError(f"not an https:// URL: {url!r}")
        self.url, self.base_path = url, (parsed.path or "").rstrip("/")
        self.watchdog = watchdog
        self._pool = _WatchedPool(
            parsed.host,
            parsed.port or 443,
            maxsize=keep,
            block=False,
            retries=False,
            ssl_context=client_context(tls),
        )

    def post_json(
        self,
        path: str,
        payload: dict[str, Any],
        deadline_seconds: float,
        connect_seconds: float,
        max_bytes: int,
        retries: int = 0,
    ) -> Answer:
        """POST ``payload`` as JSON and read the whole answer within ``deadline_seconds``.

        The deadline (seconds) covers every attempt: connecting, the TLS handshake, sending,
        waiting and reading every byte. ``connect_seconds`` bounds one connection attempt.
        ``retries`` more attempts are made when no connection could be set up or it broke
        (e.g. a kept-alive one the server had just closed), never after a read timed out:
        a slow server is not asked twice. An answer over ``max_bytes`` bytes is refused
        unread past the cap. Raises ``OutboundError`` ("timeout", "connect" or "too_large").
        """
        body = json.dumps(payload).encode()
        return self._call("POST", path, body, deadline_seconds, connect_seconds, max_bytes, retries)

    def get(
        self, path: str, deadline_seconds: float, connect_seconds: float, max_bytes: int
    ) -> Answer:
        """GET ``path`` (the server's health) under the same deadline and cap as ``post_json``,
        never retried. Raises ``OutboundError``; a TLS failure (the server refused the
        centre's certificate, or its own is not trusted) has an ``ssl.SSLError`` as cause."""
        return self._call("GET", path, None, deadline_seconds, connect_seconds, max_bytes, 0)

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None,
        deadline_seconds: float,
        connect_seconds: float,
        max_bytes: int,
        retries: int,
    ) -> Answer:
        alarm = self.watchdog.arm(deadline_seconds)
        _calls.alarm = alarm
        request = (method, path, body)
        try:
            return self._attempts(request, alarm, connect_seconds, max_bytes, retries)
        except HTTPError as exc:  # e.g. the connection broke, or the alarm cut it
            raise OutboundError("timeout" if alarm.fired else "connect") from exc
        finally:
            _calls.alarm = None
            alarm.cancel()

    def _attempts(
        self,
        request: tuple[str, str, bytes | None],
        alarm: Alarm,
        connect_seconds: float,
        max_bytes: int,
        retries: int,
    ) -> Answer:
        attempt = 0
        while True:
            try:
                return self._attempt(request, alarm, connect_seconds, max_bytes)
            except (SSLError, Urllib3TimeoutError, ProtocolError) as exc:
                if alarm.fired or alarm.remaining() == 0.0 or isinstance(exc, ReadTimeoutError):
                    raise OutboundError("timeout") from exc  # sent, no answer: never resent
                if attempt == retries:
                    raise OutboundError("connect") from exc
                attempt += 1  # e.g. a kept-alive connection the server had just closed

    def _attempt(
        self,
        request: tuple[str, str, bytes | None],
        alarm: Alarm,
        connect_seconds: float,
        max_bytes: int,
    ) -> Answer:
        remaining = alarm.remaining()
        if remaining == 0.0:
            raise OutboundError("timeout")
        method, path, body_sent = request
        headers = {"Accept": "application/json"}
        if body_sent is not None:
            headers["Content-Type"] = "application/json"
        request_id = get_contextvars().get("request_id")  # the kiosk call's (centre/logs.py)
        if isinstance(request_id, str):
            headers["X-Request-Id"] = request_id
        response = self._pool.urlopen(
            method,
            f"{self.base_path}{path}",
            body=body_sent,
            headers=headers,
            timeout=Timeout(connect=min(connect_seconds, remaining), read=remaining),
            preload_content=False,
            release_conn=False,
        )
        try:
            announced = response.headers.get("Content-Length")
            if announced is not None and announced.isdigit() and int(announced) > max_bytes:
                raise OutboundError("too_large")
            body = bytearray()
            for chunk in response.stream(CHUNK_BYTES, decode_content=True):
                body += chunk
                if len(body) > max_bytes:
                    raise OutboundError("too_large")
                if alarm.remaining() == 0.0:
                    raise OutboundError("timeout")
            if alarm.fired:  # cut off: what was read is only the start of the answer
                raise OutboundError("timeout")
        except BaseException:
            response.close()  # a half-read connection is never reused
            raise
        finally:
            response.release_conn()
        return Answer(response.status, bytes(body))

    def close(self) -> None:
        self._pool.close()

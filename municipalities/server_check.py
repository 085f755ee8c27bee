"""An own server's connection as its staff see it: the centre's client certificate in use, and
a test call of the server's health over the same mutual-TLS client the renders use.

The test is outside the circuit breaker, both ways. It is not refused when the circuit is open
(staff test precisely then, to see whether the server is back, and need the real cause, not
"circuit open"); and its outcome is not recorded: a health answer proves the server is up,
not that its records answer, so a good test closing the circuit would hide failing record
calls, and a clerk's test failing would refuse residents' requests that might still succeed.
The breaker stays the judgement of real traffic (its half-open probe is a real call).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from urllib3.exceptions import SSLError as Urllib3SslError

from municipalities.deadline import Watchdog
from municipalities.https_client import OutboundError, ServerClient
from municipalities.own_server import ServerConfig
from municipalities.protocol import PREFIX
from municipalities.tls import TlsFiles

HEALTH_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class ClientCertificate:
    """The centre's client certificate (never its key): subject, expiry (UTC), SHA-256."""

    subject: str
    not_after: datetime
    sha256: str  # colon-separated upper-case hex, as certificate viewers show it


@dataclass(frozen=True)
class ConnectionCheck:
    """A test call's outcome: ok with its latency, or why not.

    ``reason``: None (ok), "timeout", "tls" (handshake refused either way), "connect" (no
    connection), "http" (answered with ``status`` other than 200), "not_health" (200, but
    not the protocol's health answer), "too_large", "no_certificate", "bad_url".
    """

    ok: bool
    seconds: float
    reason: str | None = None
    status: int | None = None


def client_certificate(tls: TlsFiles | None) -> ClientCertificate | None:
    """The certificate the centre presents to own servers; None when none is configured."""
    if tls is None or not tls.cert.exists():
        return None
    cert = x509.load_pem_x509_certificate(tls.cert.read_bytes())
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return ClientCertificate(
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        sha256=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
    )


def _tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | Urllib3SslError):
            return True
        if any(isinstance(arg, ssl.SSLError | Urllib3SslError) for arg in seen.args):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def check_connection(
    code: str,
    settings: dict[str, Any],
    tls: TlsFiles | None,
    watchdog: Watchdog,
    monotonic: Callable[[], float] = time.monotonic,
) -> ConnectionCheck:
    """GET municipality ``code``'s server's ``/health`` over mutual TLS on a fresh connection
    (a new handshake: a certificate just replaced is the one tested), within the server's
    own ``timeout_seconds``; ``watchdog`` enforces the deadline (one per process). Latency in
    seconds. Never raises for the server's failures."""
    if tls is None or not tls.cert.exists():
        return ConnectionCheck(False, 0.0, "no_certificate")
    try:
        config = ServerConfig.from_settings(settings)
    except Exception:  # noqa: BLE001 - a URL missing or settings unreadable: say so
        return ConnectionCheck(False, 0.0, "bad_url")
    started = monotonic()
    try:
        client = ServerClient(config.url, tls, watchdog, keep=1)
    except ValueError:
        return ConnectionCheck(False, 0.0, "bad_url")
    try:
        answer = client.get(
            f"{PREFIX}/health",
            deadline_seconds=config.timeout_seconds,
            connect_seconds=config.connect_timeout_seconds,
            max_bytes=HEALTH_MAX_BYTES,
        )
    except OutboundError as exc:
        reason = "tls" if exc.reason == "connect" and _tls_failure(exc) else exc.reason
        return ConnectionCheck(False, monotonic() - started, reason)
    finally:
        client.close()
    seconds = monotonic() - started
    if answer.status != 200:
        return ConnectionCheck(False, seconds, "http", answer.status)
    try:
        body = answer.json()
        healthy = body.get("status") == "ok" and body.get("municipality_code") == code
    except (ValueError, AttributeError):
        healthy = False
    return ConnectionCheck(healthy, seconds, None if healthy else "not_health", answer.status)

"""Prometheus metrics: what the hub's operators watch (multiprocess-safe under gunicorn)."""

from __future__ import annotations

import os
from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from issuance.ports import RenderLane

HTTP_REQUESTS = Counter(
    "kofu_http_requests_total",
    "HTTP requests by endpoint and status",
    ["endpoint", "method", "status"],
)
REQUEST_TO_READY = Histogram(
    "kofu_request_to_ready_seconds",
    "From request accepted to document ready",
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 120),
)
RENDER_SECONDS = Histogram(
    "kofu_render_seconds",
    "Time to produce one document (records + render)",
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)
SIGN_INS = Counter(
    "kofu_sign_ins_total",
    "Kiosk sign-ins completed, by credential and authentication method",
    ["credential", "method"],
)
REFUSALS = Counter("kofu_refusals_total", "Refusals shown to residents, by reason", ["reason"])
RECORD_MISMATCH = Counter(
    "kofu_record_mismatch_total",
    "Documents withheld because records did not match the requester (alarm)",
)
RECORDS_OUT_OF_SYNC = Counter(
    "kofu_records_out_of_sync_total",
    "Requests refused because the municipality's records disagree with the national index "
    "(alarm: its extract or server is stale)",
    ["municipality"],
)
ISSUED = Counter(
    "kofu_certificates_printed_total", "Certificates confirmed printed", ["certificate"]
)
QUEUE_DEPTH = Gauge(
    "kofu_render_queue_depth",
    "Render jobs waiting, by lane (bcl: BCL records; own: a municipality's own server)",
    ["lane"],
    multiprocess_mode="max",
)
BACKEND_LATENCY = Histogram(
    "kofu_backend_latency_seconds",
    "Time of one call to a municipal server, by municipality and outcome",
    ["municipality", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
)
BACKEND_UP = Gauge(
    "kofu_backend_up",
    "1 if the municipality's server answered its last call, 0 if it failed or its circuit is open",
    ["municipality"],
    multiprocess_mode="livemax",
)

CERTIFICATE_EXPIRY = Gauge(
    "kofu_certificate_expiry_timestamp_seconds",
    "notAfter of a certificate the centre depends on (Unix seconds), by certificate: "
    "municipal_tls_client and municipal_tls_ca (mutual TLS to own servers), jpki_root and "
    "jpki_ca (the trust anchors every sign-in is checked against)",
    ["certificate"],
    multiprocess_mode="livemax",
)
SIGNING_KEY_EXPIRY = Gauge(
    "kofu_signing_key_expiry_timestamp_seconds",
    "When the document-signing key in use is due for rotation (Unix seconds): made + "
    "SIGNING_KEY_LIFETIME_DAYS (kofu's policy; Ed25519 keys carry no expiry of their own)",
    multiprocess_mode="livemax",
)
# The service level behind the p95 alert (infra/prometheus/alerts.yml): 95 % of requests ready
# within 10 s of being accepted. kofu's own target: the terminal gives up after 120 s
# (kiosk_terminal/screens.py, Timeouts.ready) while a resident stands at the terminal; no law
# or notice sets one. It is a bucket bound of REQUEST_TO_READY, so its p95 is exact there.
REQUEST_TO_READY_SLO_SECONDS = 10.0


def observe_backend(municipality: str, seconds: float, outcome: str) -> None:
    """Called by the own-server adapter after every call (outcome: ok, not_found, busy or a
    failure). "busy" (refused by the bulkhead, no call made) says nothing of the server."""
    BACKEND_LATENCY.labels(municipality, outcome).observe(seconds)
    if outcome != "busy":
        BACKEND_UP.labels(municipality).set(1 if outcome in ("ok", "not_found") else 0)


def render_latest(queue_depth: Callable[[RenderLane], int]) -> tuple[bytes, str]:
    """The exposition text; under gunicorn, the sum over every worker process.
    ``queue_depth(lane)`` gives the render jobs waiting in one lane (-1 if it cannot say)."""
    for lane in RenderLane:
        try:
            QUEUE_DEPTH.labels(lane.value).set(queue_depth(lane))
        except Exception:  # noqa: BLE001 - a dead queue must not take /metrics down with it
            QUEUE_DEPTH.labels(lane.value).set(-1)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST

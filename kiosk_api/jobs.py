"""Job functions: importable, take IDs, and run the same code under rq or in-process."""

from __future__ import annotations

import time

from issuance.model import CertificateRequest, RequestState
from issuance.production import produce_document
from kiosk_api import metrics
from kiosk_api.platform import current_platform


def render_request(request_id: str) -> str | None:
    """Produce the document for one request; running it twice changes nothing."""
    platform = current_platform()
    started = time.perf_counter()
    try:
        state = produce_document(platform.production_deps(), request_id)
    finally:
        platform.queue.announce(request_id)  # wakes the kiosk's waiting poll, whatever happened
    metrics.RENDER_SECONDS.observe(time.perf_counter() - started)
    if state is RequestState.READY:
        with platform.uow() as uow:
            request = uow.session.get(CertificateRequest, request_id)
            if request is not None and request.ready_at is not None:
                metrics.REQUEST_TO_READY.observe(
                    (request.ready_at - request.created_at).total_seconds()
                )
    elif state is RequestState.FAILED:
        with platform.uow() as uow:
            request = uow.session.get(CertificateRequest, request_id)
            if request is not None and request.failure_code:
                metrics.REFUSALS.labels(request.failure_code).inc()
    return state.value if state else None

"""Job functions: importable, take IDs, and run the same code under rq or in-process."""

from __future__ import annotations

import time

from centre import metrics
from centre.bootstrap import current_platform
from issuance.production import produce_document


def render_request(request_id: str) -> str | None:
    """Produce the document for one request; running it twice changes nothing."""
    platform = current_platform()
    started = time.perf_counter()
    try:
        state = produce_document(platform.production_deps(), request_id)
    finally:
        platform.queue.announce(request_id)  # wakes the kiosk's waiting poll, whatever happened
    metrics.RENDER_SECONDS.observe(time.perf_counter() - started)
    return state.value if state else None

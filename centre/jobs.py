"""Job functions: importable, take IDs, and get their dependencies from the worker that runs them.

Only the function's name and the request id travel through Redis; the worker process (or the
in-process queue) passes ``deps`` when it calls the function.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from centre import metrics
from issuance.production import ProductionDeps, produce_document

log = logging.getLogger("kofu.jobs")


@dataclass(frozen=True)
class RenderDeps:
    """What a render job needs from the process running it."""

    production: ProductionDeps
    announce: Callable[[str], None]  # wakes the kiosk poll waiting on a request id


def render_request(request_id: str, *, deps: RenderDeps) -> str | None:
    """Produce the document for one request; running it twice changes nothing."""
    started = time.perf_counter()
    try:
        state = produce_document(deps.production, request_id)
    finally:
        _announce(deps, request_id)  # wakes the kiosk's waiting poll, whatever happened
    metrics.RENDER_SECONDS.observe(time.perf_counter() - started)
    return state.value if state else None


def _announce(deps: RenderDeps, request_id: str) -> None:
    """Best effort: the state is in the database, a lost wake-up costs the kiosk one wait.

    The queue's announce logs its own outages once (`RqQueue.announce`); this is the last
    guard, so that no announce can fail a render or end the worker running it.
    """
    try:
        deps.announce(request_id)
    except Exception as exc:  # noqa: BLE001
        log.warning("announcing request %s failed: %s", request_id, exc)

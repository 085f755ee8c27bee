"""Locust kiosks for the multi-host run: the chaos run's BCL kiosk, each PDF kept for reading.

Every document a kiosk downloads is written to ``$MULTIHOST_PDFS/<card>.<request id>.pdf``, so
the run can read (pdftotext) that it names the card's resident and no one else. A download
that brings no PDF (its host lost under it) is reported ``failed``, as a kiosk that printed
nothing does: the request is voided, not left delivered. Calls that got no answer at all (the
connection cut) are noted in ``$MULTIHOST_CUT`` (when, call).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import chaos_locustfile as chaos
import gevent
import locustfile as base
from locust import events


@events.request.add_listener
def _note_cut(request_type, name, response=None, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    if request_type != "FLOW" and (getattr(response, "status_code", 0) or 0) == 0:
        chaos._append("MULTIHOST_CUT", f"{time.time():.3f} {request_type} {name}")


class Kiosk(chaos._Journalled):
    """A kiosk whose residents live in BCL municipalities (千代田区, 草加市), reached through
    HAProxy: any of its calls may land on any host."""

    label = "bcl"

    def _download(self, request: str) -> None:
        with self.client.get(
            f"{request}/document", name=f"{base.REQUEST}/document", headers=self.headers,
            catch_response=True,
        ) as response:  # fmt: skip
            self.last_status = response.status_code
            content = response.content or b""
            if response.status_code != 200 or not content.startswith(b"%PDF"):
                response.failure(f"expected a PDF, got {response.status_code}")
                failed = base.FlowError(f"document download failed ({response.status_code})")
        if not content.startswith(b"%PDF"):
            self._report_nothing_printed(request)
            raise failed
        folder = os.environ.get("MULTIHOST_PDFS")
        if folder:
            name = f"{self.kiosk_card.label}.{request.rsplit('/', 1)[-1]}.pdf"
            (Path(folder) / name).write_bytes(content)

    def _report_nothing_printed(self, request: str) -> None:
        """``failed`` for a request whose document never reached the kiosk (retried like a
        print report; a request the centre has ended already refuses it, which is fine)."""
        deadline = time.perf_counter() + base.CONFIRM_RETRY_S
        while True:
            try:
                self._call("post", f"{request}/confirmation", f"{base.REQUEST}/confirmation",
                           200, {"result": "failed"})  # fmt: skip
                return
            except base.FlowError:
                if self.last_status not in base.RETRIED or time.perf_counter() > deadline:
                    return
                gevent.sleep(self.retry_after or 1.0)

"""One kiosk call can be followed by its X-Request-Id: into the pre-check and the render job
that call the municipality's own server, and into that server's own log; sign-ins are
counted by credential and method."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from centre import logs
from centre.bootstrap import Platform
from centre.queue import RqQueue
from issuance.ports import RenderLane
from tests.integration.test_own_server import (  # noqa: F401  (fixtures: 横浜市's server)
    Faults,
    municipal_pki,
    yokohama,
)
from tests.support.kiosk import TestKiosk


class TracedKiosk(TestKiosk):
    """A kiosk that names each of its calls, as a vendor's terminal may."""

    trace = "kiosk-K0001-0001"

    @property
    def headers(self) -> dict[str, str]:
        return {**super().headers, "X-Request-Id": self.trace}


def protocol_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        record.msg
        for record in caplog.records
        if record.name == "kofu.municipal_server" and isinstance(record.msg, dict)
    ]


def sign_ins() -> float:
    found = REGISTRY.get_sample_value(
        "kofu_sign_ins_total", {"credential": "card", "method": "pin_on_kiosk"}
    )
    return found or 0.0


def test_the_kiosk_calls_id_reaches_the_own_server_from_the_pre_check_and_the_render(
    kiosk: TestKiosk,
    cards: Path,
    yokohama: Faults,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO")
    traced = TracedKiosk(kiosk.client, kiosk.token)
    before = sign_ins()
    assert traced.sign_in(cards / "kobayashi-yui.json").status_code == 200
    assert sign_ins() == before + 1
    assert traced.last.headers["X-Request-Id"] == traced.trace

    traced.trace = "kiosk-K0001-0002"  # 印鑑: a pre-check on the web thread, then the render
    accepted = traced.request(certificate="inkan")
    assert accepted.status_code == 202, accepted.json
    traced.trace = "kiosk-K0001-0003"  # the polls that follow have ids of their own
    assert traced.wait(accepted.json["request_id"])["state"] == "ready"

    seen = [(line["request_id"], line["path"], line["status"]) for line in protocol_lines(caplog)]
    assert seen and all(status == 200 for _, _, status in seen)
    assert {request_id for request_id, _, _ in seen} == {"kiosk-K0001-0002"}
    assert len(seen) >= 2  # the pre-check and the render's fetch, both for the submit


def test_a_render_job_carries_the_id_of_the_call_that_enqueued_it(
    platform: Platform, redis_url: str
) -> None:
    queue = RqQueue(redis_url, "kofu-test-request-ids", 60)
    try:
        queue.lane(RenderLane.BCL).empty()
        with logs.bound_request_id({"request_id": "kiosk-K0001-0009"}):
            queue.enqueue_render("f" * 32)
        [job] = queue.lane(RenderLane.BCL).get_jobs()
        assert job.meta == {"request_id": "kiosk-K0001-0009"}
        queue.enqueue_render("e" * 32)  # the sweeper's requeue: no call behind it
        assert [j.meta for j in queue.lane(RenderLane.BCL).get_jobs()][1] == {}
    finally:
        queue.lane(RenderLane.BCL).empty()
        queue.close()

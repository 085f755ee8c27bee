"""A job queue that runs nothing until the test says so."""

from __future__ import annotations

import time

from issuance.ports import RenderLane


class ManualQueue:
    """Holds jobs until the test runs them: lets a test run one job twice, or never."""

    def __init__(self) -> None:
        self.jobs: list[str] = []

    def enqueue_render(self, request_id: str, lane: RenderLane = RenderLane.BCL) -> None:
        self.jobs.append(request_id)

    def depth(self, lane: RenderLane | None = None) -> int:
        return len(self.jobs) if lane in (None, RenderLane.BCL) else 0

    def reachable(self) -> bool:
        return True

    def announce(self, request_id: str) -> None:
        pass

    def await_change(self, request_id: str, timeout: float) -> None:
        time.sleep(timeout)  # nothing runs the jobs: a held poll waits it out

    def drain(self) -> None:
        pass

    def close(self) -> None:
        pass

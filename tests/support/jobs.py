"""A job function for worker tests: answers with the deps the worker handed it."""

from __future__ import annotations


def echo_deps(request_id: str, *, deps: object) -> str:
    return f"{request_id} ran with {deps}"


def pause(seconds: float, *, deps: object) -> str:
    """A job that keeps its worker busy for ``seconds`` (outage tests)."""
    import time

    time.sleep(seconds)
    return "paused"

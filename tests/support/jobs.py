"""A job function for worker tests: answers with the deps the worker handed it."""

from __future__ import annotations


def echo_deps(request_id: str, *, deps: object) -> str:
    return f"{request_id} ran with {deps}"

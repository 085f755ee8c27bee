"""Views that take a file: their own request size bound, set before CSRF reads the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request

LIMIT = "_portal_upload_limit"
View = TypeVar("View", bound=Callable[..., Any])


def accepts_upload(max_bytes: int) -> Callable[[View], View]:
    """Let a view's requests carry up to ``max_bytes`` (bytes; the app's bound is 64 KiB)."""

    def declare(view: View) -> View:
        setattr(view, LIMIT, max_bytes)
        return view

    return declare


def init_app(app: Flask) -> None:
    """Raise the bound for declared views; call before CSRF's check (it reads the body)."""

    @app.before_request
    def _bound() -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        limit = getattr(view, LIMIT, None)
        if limit is not None:
            request.max_content_length = limit

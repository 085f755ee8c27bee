"""Who may use each view: declared on the view, checked before every request, 404 otherwise.

A view without a declaration is refused (404) whoever asks, so a new route cannot be reached
by accident. Signed-out visitors are sent to the sign-in page; a signed-in account whose role
is not declared gets 404 (the page "does not exist" for it), a viewer 403 on any change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from issuance.staff.model import Role

ACCESS = "_portal_access"
VIEWER_MAY_POST = "_portal_viewer_may_post"
PUBLIC = frozenset({"public"})
ALL_ROLES = frozenset(Role)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

View = TypeVar("View", bound=Callable[..., Any])


def requires(*roles: Role, changes_nothing: bool = False) -> Callable[[View], View]:
    """Declare the roles that may use a view (signed in, second factor done).

    ``changes_nothing=True`` lets viewers POST to it too (signing out). ValueError for no roles.
    """
    if not roles:
        raise ValueError("requires() needs at least one role")

    def declare(view: View) -> View:
        setattr(view, ACCESS, frozenset(roles))
        setattr(view, VIEWER_MAY_POST, changes_nothing)
        return view

    return declare


def public(view: View) -> View:
    """Declare a view anyone may open (the sign-in pages)."""
    setattr(view, ACCESS, PUBLIC)
    return view


def access_of(app: Flask, endpoint: str) -> frozenset[Any] | None:
    """What ``endpoint`` declared (None: nothing, so nobody may use it)."""
    if endpoint == "static":
        return PUBLIC
    return getattr(app.view_functions.get(endpoint), ACCESS, None)


def init_app(app: Flask) -> None:
    """Check every request against its view's declaration (see the module docstring)."""

    @app.before_request
    def _guard() -> Response | None:
        if request.endpoint is None:
            return None  # no such route: Flask answers 404
        access = access_of(current_app, request.endpoint)  # type: ignore[arg-type]
        if access is None:
            abort(404)
        if access is PUBLIC:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        if current_user.role not in access:
            abort(404)
        if current_user.role is Role.MUNICIPAL_VIEWER and request.method not in SAFE_METHODS:
            view = current_app.view_functions[request.endpoint]  # type: ignore[index]
            if not getattr(view, VIEWER_MAY_POST, False):
                abort(403)
        return None

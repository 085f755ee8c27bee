"""Error pages: one place maps refusals to HTTP statuses, in the visitor's language."""

from __future__ import annotations

from flask import Flask, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from issuance.staff.errors import NotVisibleError
from portal.i18n import t

PAGES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "not_found",
}
UNEXPECTED = "unexpected"


def _size(limit: int) -> str:
    """``65536`` → ``64 KB``, ``33554432`` → ``32 MB``."""
    return f"{limit // 1024 // 1024} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _page_above(path: str) -> str:
    """``/m/131016/usage/counter-counts`` → ``/m/131016/usage/`` (the query kept)."""
    above = path.rstrip("/").rsplit("/", 1)[0] + "/"
    query = request.query_string.decode("ascii", "replace")
    return above + (f"?{query}" if query else "")


def register_error_handlers(app: Flask) -> None:
    """404 for other tenants' objects, 400 for CSRF, a bilingual page for every status."""

    @app.errorhandler(NotVisibleError)
    def _not_visible(_error: NotVisibleError) -> tuple[str, int]:
        return render_template("error.html", text=t("not_found")), 404

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return render_template("error.html", text=t("bad_request")), 400

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        # Past the route's bound the body is never read: the same code a view gives below it,
        # and the bound of this route (64 KB for forms and counter counts, more for uploads).
        text = t("too_large", limit=_size(request.max_content_length or 0))
        return render_template("error.html", text=text, code="UPLOAD_TOO_LARGE"), 413

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        if code == 405 and request.method == "GET":
            # The address a form posted to (the browser shows it after an error, and the
            # language link reloads it): its page is the one above it.
            return redirect(_page_above(request.path), 303)
        # A method a route does not take: the page does not exist for that method.
        status = 404 if code == 405 else code
        return render_template("error.html", text=t(PAGES.get(code, UNEXPECTED))), status

    @app.errorhandler(500)
    def _unexpected(_error: Exception) -> tuple[str, int]:
        return render_template("error.html", text=t(UNEXPECTED)), 500

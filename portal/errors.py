"""Error pages: one place maps refusals to HTTP statuses, in the visitor's language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from issuance.staff.errors import NotVisibleError
from municipalities.bcl_uploads import MAX_UPLOAD_BYTES
from portal.i18n import t

PAGES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "not_found",
}
UNEXPECTED = "unexpected"
MAX_MB = MAX_UPLOAD_BYTES // 1024 // 1024


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
        # Past the view's bound the body is never read: the same code the view gives below it.
        text = t("too_large", mb=MAX_MB)
        return render_template("error.html", text=text, code="UPLOAD_TOO_LARGE"), 413

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        # A method a route does not take: the page does not exist for that method.
        status = 404 if code == 405 else code
        return render_template("error.html", text=t(PAGES.get(code, UNEXPECTED))), status

    @app.errorhandler(500)
    def _unexpected(_error: Exception) -> tuple[str, int]:
        return render_template("error.html", text=t(UNEXPECTED)), 500

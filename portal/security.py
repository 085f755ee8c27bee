"""Cookies, CSRF, security headers and the idle timeout: the same for every response."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from centre.settings import Settings
from portal.extension import current_platform
from portal.i18n import t
from portal.users import PENDING

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
SEEN = "seen_at"


def configure(app: Flask, settings: Settings) -> None:
    """Cookie flags, CSRF on every POST, the idle timeout and the security headers."""
    app.config.update(
        SECRET_KEY=settings.portal_secret_key,
        SESSION_COOKIE_NAME="kofu_portal",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.portal_cookies_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.portal_cookies_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.portal_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    CSRFProtect(app)
    idle = timedelta(minutes=settings.portal_idle_minutes)

    @app.before_request
    def _idle_timeout() -> Response | None:
        # The cookie's own expiry is the browser's to honour: the server checks the time too.
        signed_in = current_user.is_authenticated or PENDING in session
        if request.endpoint == "static" or not signed_in:
            return None
        now = current_platform().now().timestamp()
        seen = session.get(SEEN)
        if isinstance(seen, int | float) and now - seen > idle.total_seconds():
            logout_user()
            session.clear()
            flash(t("timed_out"))
            return redirect(url_for("auth.login"))
        session[SEEN] = now
        session.permanent = True
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.context_processor
    def _user() -> dict[str, object]:
        return {"user": current_user}

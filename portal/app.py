"""The portal's Flask application factory: staff pages, built from one settings object."""

from __future__ import annotations

import time

from argon2 import PasswordHasher
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from centre import request_log
from centre.bootstrap import Platform, bootstrap
from centre.import_jobs import ImportQueue, imports_for
from centre.settings import Settings, load_settings
from portal import extension, guard, health, i18n, security, uploads, users
from portal.errors import register_error_handlers
from portal.formatting import wareki_html, wareki_time_html, yen
from portal.months import month_html
from portal.ratelimit import LoginThrottle
from portal.views import (
    audit,
    auth,
    centre_incidents,
    centre_money,
    centre_municipalities,
    identity,
    kiosks,
    maintenance,
    money,
    municipal,
    municipal_settings,
    national,
    own_server,
    records,
    services,
    staff,
    statements,
)


def create_app(
    settings: Settings | None = None,
    platform: Platform | None = None,
    hasher: PasswordHasher | None = None,
    imports: ImportQueue | None = None,
) -> Flask:
    """Build the portal. Pass ``platform`` to share one already built, ``imports`` to queue
    extract imports elsewhere than Redis or this process's threads (tests)."""
    settings = settings or (platform.settings if platform else load_settings())
    if platform is None:
        platform = bootstrap(settings, jobs=False)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    app.wsgi_app = request_log.RequestLog(app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request  # first: a later hook may answer (sign-in, 404) before the view
    def _route() -> None:
        if request.url_rule is not None:  # the template, never the path: paths carry ids
            request.environ[request_log.ROUTE] = request.url_rule.rule

    extension.init_app(app, platform, hasher or PasswordHasher())
    health.init_app(app, platform, settings.redis_url)
    app.extensions[extension.IMPORTS] = imports or imports_for(
        settings.redis_url, settings.queue_name, platform.uow, platform.now
    )
    app.extensions["kofu_portal_throttle"] = LoginThrottle(
        settings.portal_login_attempts_per_minute, time.monotonic
    )
    i18n.init_app(app, settings.portal_cookies_secure)
    users.init_app(app)
    identity.allow_seal_uploads(app)  # before CSRF reads the form
    guard.init_app(app)  # before CSRF: an undeclared route is 404 whatever is posted to it
    uploads.init_app(app)  # before CSRF too: it reads the body
    security.configure(app, settings)
    register_error_handlers(app)
    own_server.init_app(app)
    app.jinja_env.filters.update(
        yen=yen, wareki=wareki_html, wareki_time=wareki_time_html, month=month_html
    )
    for blueprint in (
        health.bp,
        auth.bp,
        municipal.bp,
        services.bp,
        municipal_settings.bp,
        maintenance.bp,
        kiosks.bp,
        audit.bp,
        identity.bp,
        statements.bp,
        money.bp,
        staff.bp,
        national.bp,
        centre_municipalities.bp,
        centre_incidents.bp,
        centre_money.bp,
        records.bp,
        own_server.bp,
    ):
        app.register_blueprint(blueprint)
    return app

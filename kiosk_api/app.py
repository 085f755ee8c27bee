"""The Flask application factory: the centre's HTTP face, built from one settings object."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from centre import metrics, request_log
from centre.bootstrap import Platform, bootstrap
from centre.expiry import observe_expiries
from centre.queue import RqQueue
from centre.settings import Settings, load_settings
from kiosk_api import extension
from kiosk_api.errors import register_error_handlers
from kiosk_api.health import register_health, register_outage_handlers
from kiosk_api.kiosk_views import bp as kiosk_bp
from kiosk_api.kiosk_views import spec
from kiosk_api.limits import register_limits
from kiosk_api.ratelimit import RateLimiter
from kiosk_api.status_views import bp as status_bp
from kiosk_api.verify_views import bp as verify_bp


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> Flask:
    """Build the app. Pass ``platform`` to share one already built (tests, the in-process kiosk)."""
    settings = settings or (platform.settings if platform else load_settings())
    if platform is None:
        platform = bootstrap(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if settings.trusted_proxies:
        # Only the last N X-Forwarded-For entries, the ones our own proxies appended, are
        # believed: a client can write anything into the header's start.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    # Outermost: its duration is the whole answer's, its id is bound before anything logs.
    app.wsgi_app = request_log.RequestLog(app.wsgi_app)  # type: ignore[method-assign]
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    extension.init_app(app, platform)
    register_error_handlers(app)
    register_outage_handlers(app, platform)
    register_limits(app)
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(verify_bp)
    app.register_blueprint(status_bp)
    app.extensions["kofu_verify_limiter"] = RateLimiter(
        settings.verify_rate_per_minute,
        platform.queue.quick_connection if isinstance(platform.queue, RqQueue) else None,
    )

    @app.before_request
    def _route() -> None:
        if request.url_rule is not None:  # the template, never the path: paths carry ids
            request.environ[request_log.ROUTE] = request.url_rule.rule

    @app.after_request
    def _count(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.HTTP_REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        return response

    @app.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(spec.document())

    @app.get("/metrics")
    def prometheus() -> Response:
        observe_expiries(platform.settings, platform.keyring)
        body, content_type = metrics.render_latest(platform.queue.depth)
        return Response(body, mimetype=content_type.split(";")[0])

    register_health(app, platform)
    return app

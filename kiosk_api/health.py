"""Dependencies away: a 503 with Retry-After instead of a 500, one log line per outage;
`/healthz` (the process lives) and `/readyz` (it may take traffic, or which check failed)."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, jsonify
from redis import RedisError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from centre.bootstrap import Platform
from centre.outage import OutageLog
from centre.readiness import Readiness, ReadinessProbe
from kiosk_api.errors import ApiError, error_response

RETRY_AFTER_S = 5

DATABASE_UNAVAILABLE = (
    "SERVICE_UNAVAILABLE",
    "ただいま混み合っているか、保守中です。しばらくしてからお試しください。",
    "The service is briefly unavailable. Please try again in a few seconds.",
)


def register_outage_handlers(app: Flask, platform: Platform) -> None:
    """Map the database or Redis not answering to 503 + Retry-After, logged once per outage."""
    redis_outage = OutageLog("Redis", logging.getLogger("kofu.redis"))

    def unavailable() -> tuple[Response, int]:
        response, _ = error_response(ApiError(*DATABASE_UNAVAILABLE))
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response, 503

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeoutError)
    def _database_away(error: Exception) -> tuple[Response, int]:
        platform.database_outage.failed(error)
        return unavailable()

    @app.errorhandler(RedisError)
    def _redis_away(error: RedisError) -> tuple[Response, int]:
        # What a request stored stays stored: the sweeper enqueues it once Redis is back.
        redis_outage.failed(error)
        return unavailable()

    last_ping = [0.0]

    @app.after_request
    def _redis_back(response: Response) -> Response:
        # Back only when Redis answers (a request that never touched Redis proves nothing),
        # asked at most once a second while it is away.
        if redis_outage.down and time.monotonic() - last_ping[0] >= 1.0:
            last_ping[0] = time.monotonic()
            if platform.queue.reachable():
                redis_outage.succeeded()
        return response


def register_health(app: Flask, platform: Platform) -> None:
    """``/healthz``: the process lives (200, nothing asked). ``/readyz``: it may take traffic
    (200), or 503 with Retry-After naming each failed check by its code (centre.readiness)."""
    redis = platform.queue.reachable if platform.settings.redis_url else None
    probe = ReadinessProbe(platform, signing_keys=True, redis=redis)
    app.extensions["kofu_readiness"] = probe

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        return readiness_response(probe.check())


def readiness_response(readiness: Readiness) -> tuple[Response, int]:
    """200 ``{"status": "ready", "failed": []}`` or 503 + ``Retry-After`` with the codes."""
    response = jsonify(readiness.body())
    if not readiness.ready:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response, 200 if readiness.ready else 503

"""Dependencies away: a 503 with Retry-After instead of a 500, one log line per outage, and
`/healthz` saying which dependency is away."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, jsonify
from redis import RedisError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from centre.bootstrap import Platform
from centre.health import database_answers
from centre.outage import OutageLog
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
    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        """Cheap: one SELECT 1 and one PING, each bounded; own servers are never asked."""
        database = database_answers(platform)
        queue = platform.queue.reachable()
        healthy = database and queue
        body = {
            "status": "ok" if healthy else "unavailable",
            "jobs": "in-process" if platform.settings.jobs_in_process else "rq",
            "database": "ok" if database else "unavailable",
            "queue": "ok" if queue else "unavailable",
        }
        response = jsonify(body)
        if not healthy:
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response, 200 if healthy else 503

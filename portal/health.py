"""`/healthz` for the portal's process: open to the load balancer, says whether the database
answers (the portal needs nothing else: no queue, no municipal server)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from centre.health import database_answers
from portal.extension import current_platform
from portal.guard import public

bp = Blueprint("health", __name__)
RETRY_AFTER_S = 5


@bp.get("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """200 ``{"status": "ok", "database": "ok"}``, or 503 with Retry-After when the database
    does not answer. No session is opened or read."""
    healthy = database_answers(current_platform())
    body = {"status": "ok" if healthy else "unavailable"}
    body["database"] = body["status"]
    response = jsonify(body)
    if not healthy:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response, 200 if healthy else 503

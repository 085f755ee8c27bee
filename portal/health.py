"""`/healthz` and `/readyz` for the portal's process, open to the load balancer; no session is
opened or read. `/healthz`: the process lives. `/readyz`: the database answers with every
migration applied, and Redis answers when the settings name one (extract imports go there)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify

from centre.bootstrap import Platform
from centre.readiness import RETRY_AFTER_S, ReadinessProbe, redis_ping
from portal.guard import public

bp = Blueprint("health", __name__)
PROBE = "kofu_readiness"


@bp.get("/healthz")
@public
def healthz() -> Response:
    """200 ``{"status": "ok"}`` whenever the process answers: nothing else is asked."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz() -> tuple[Response, int]:
    """200 ``{"status": "ready", "failed": []}``, or 503 with Retry-After (seconds) and the
    codes of the failed checks (centre.readiness), asked at most once a second."""
    readiness = _probe().check()
    response = jsonify(readiness.body())
    if not readiness.ready:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response, 200 if readiness.ready else 503


def init_app(app: Flask, platform: Platform, redis_url: str | None) -> None:
    """Keep the readiness probe on ``app`` (Redis is asked only when ``redis_url`` is set)."""
    app.extensions[PROBE] = ReadinessProbe(
        platform, signing_keys=False, redis=redis_ping(redis_url) if redis_url else None
    )


def _probe() -> ReadinessProbe:
    probe = current_app.extensions[PROBE]
    assert isinstance(probe, ReadinessProbe)
    return probe

"""The public status page (/status) and its JSON form (/status.json): no login, no resident.

For residents (on a phone, Japanese first with English) and municipalities: planned
maintenance and current incidents by municipality (municipalities/public_status.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, render_template
from flask.blueprints import BlueprintSetupState

from kiosk_api.extension import current_platform
from municipalities.public_status import Incident, Maintenance, Place, PublicStatus, public_status

bp = Blueprint("status", __name__)
JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"
MAX_AGE_S = 30  # a browser or a cache in front may keep an answer this long
CACHE = "kofu_status_cache"


class StatusCache:
    """The page's content, computed at most once per ``seconds`` per process (by the
    platform's clock): a crowd of residents on an outage day costs the database one set of
    queries per process and period. One computes while the others wait for its answer."""

    def __init__(self, seconds: float = 10.0) -> None:
        self._period = timedelta(seconds=seconds)
        self._lock = threading.Lock()
        self._at: datetime | None = None
        self._status: PublicStatus | None = None

    def get(self, now: datetime, compute: Callable[[], PublicStatus]) -> PublicStatus:
        with self._lock:
            at, status = self._at, self._status
            if status is None or at is None or not at <= now < at + self._period:
                status, self._at = compute(), now
                self._status = status
            return status


@bp.record_once
def _init(state: BlueprintSetupState) -> None:
    state.app.extensions[CACHE] = StatusCache()


def _current() -> PublicStatus:
    platform = current_platform()
    now = platform.now()

    def compute() -> PublicStatus:
        with platform.uow() as uow:
            return public_status(uow, now)

    cache: StatusCache = current_app.extensions[CACHE]
    return cache.get(now, compute)


@bp.get("/status")
def status_page() -> Response:
    """The page: what a resident needs before walking to a kiosk."""
    response = Response(render_template("status.html", status=_current(), ja=jst_ja, en=jst_en))
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    return response


@bp.get("/status.json")
def status_json() -> Response:
    """The same content for programs: times in ISO 8601 with offset (JST)."""
    response = jsonify(as_json(_current()))
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_S
    return response


def jst_ja(at: datetime | None) -> str:
    """``2026年12月7日(月) 09:00`` (JST)."""
    if at is None:
        return ""
    local = at.astimezone(JST)
    return (
        f"{local.year}年{local.month}月{local.day}日({WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"
    )


def jst_en(at: datetime | None) -> str:
    """``Mon 7 Dec 2026, 09:00 JST``."""
    if at is None:
        return ""
    local = at.astimezone(JST)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} JST"


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(JST).isoformat() if at else None


def _place(place: Place) -> dict[str, Any]:
    return {"code": place.code, "name": place.name_ja, "nationwide": place.code is None}


def _incident(incident: Incident) -> dict[str, Any]:
    return {
        "municipality": _place(incident.place),
        "source": incident.source,
        "since": _iso(incident.since),
        "message": {"ja": incident.message_ja, "en": incident.message_en},
    }


def _maintenance(window: Maintenance) -> dict[str, Any]:
    return {
        "municipality": _place(window.place),
        "certificate": window.kind,
        "certificate_label": {"ja": window.kind_ja, "en": window.kind_en},
        "starts_at": _iso(window.starts_at),
        "ends_at": _iso(window.ends_at),
        "in_progress": window.in_progress,
    }


def as_json(status: PublicStatus) -> dict[str, Any]:
    """``{"as_of", "status": "ok"|"incident", "municipalities": [{"code", "name",
    "prefecture"}], "incidents": [...], "maintenance": [...]}``; each entry names its
    municipality by code and name."""
    return {
        "as_of": _iso(status.as_of),
        "status": "ok" if status.all_clear else "incident",
        "municipalities": [vars(p) for p in status.municipalities],
        "incidents": [_incident(i) for i in status.incidents],
        "maintenance": [_maintenance(m) for m in status.maintenance],
    }

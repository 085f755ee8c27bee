"""What the chaos run reads back: request outcomes and billing per window, rates, 5xx, recovery."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

FINAL = ("printed", "voided", "failed", "expired")
BCL_MUNICIPALITIES = ("131016", "112216")  # 千代田区, 草加市: the extra residents' homes


@dataclass
class Window:
    """One fault's part of the run: everything submitted from ``start`` until ``until`` (the
    next window's start) is counted against it; the fault is in place from ``injected`` to
    ``end``."""

    name: str
    start: float
    end: float
    until: float
    injected: float = 0.0  # a few seconds after ``start``: flows begun just before count too
    serve_log_5xx: int = 0  # unhandled exceptions the server logged
    burst_5xx: int = 0  # 5xx answered to the hostile burst
    burst_unanswered: int = 0  # hostile calls that got no answer within 10 s
    worker_exits: int = 0  # workers that exited without being told (restarted after the window)
    drain_s: float | None = 0.0  # after the recovery window, until the render backlog was gone


def _ts(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _connect(database_url: str) -> psycopg.Connection:
    return psycopg.connect(database_url.replace("+psycopg", ""), connect_timeout=5)


class Ledger:
    """Queries against the run's database (read after the load has stopped)."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url

    def printed_times(self, municipalities: tuple[str, ...] | None = None) -> list[float]:
        """Every printed request's confirmation time (epoch seconds), sorted."""
        sql = "SELECT confirmed_at FROM issuance_certificate_request WHERE state = 'printed'"
        params: tuple = ()
        if municipalities:
            sql += " AND municipality_code = ANY(%s)"
            params = (list(municipalities),)
        with _connect(self.url) as db:
            rows = db.execute(sql + " ORDER BY confirmed_at", params).fetchall()
        return [row[0].timestamp() for row in rows if row[0] is not None]

    def outcomes(self, window: Window, stuck_before: float) -> dict[str, Any]:
        """Requests created in the window: final, unconfirmed, stuck (non-final and older than
        ``stuck_before``), still young, double-billed (more than one ``issue`` event), and
        timed out (final, but because no worker rendered them in time: RENDER_TIMEOUT)."""
        with _connect(self.url) as db:
            rows = db.execute(
                "SELECT r.state, r.created_at, r.failure_code,"
                " (SELECT count(*) FROM billing_event b"
                "   WHERE b.request_id = r.id AND b.event_type = 'issue')"
                " FROM issuance_certificate_request r"
                " WHERE r.created_at >= %s AND r.created_at < %s",
                (_ts(window.start), _ts(window.until)),
            ).fetchall()
        counts = dict.fromkeys(("requests", "terminal", "unconfirmed", "stuck", "young"), 0)
        counts["double_billed"] = counts["timed_out"] = 0
        stuck_states: dict[str, int] = {}
        for state, created_at, failure_code, issues in rows:
            counts["requests"] += 1
            counts["double_billed"] += int(issues > 1)
            counts["timed_out"] += int(failure_code == "RENDER_TIMEOUT")
            if state in FINAL:
                counts["terminal"] += 1
            elif state == "unconfirmed":
                counts["unconfirmed"] += 1
            elif created_at.timestamp() < stuck_before:
                counts["stuck"] += 1
                stuck_states[state] = stuck_states.get(state, 0) + 1
            else:
                counts["young"] += 1
        return {**counts, "stuck_states": stuck_states}

    def unknown(self, request_ids: list[str]) -> set[str]:
        """Those of ``request_ids`` the database has never heard of."""
        if not request_ids:
            return set()
        with _connect(self.url) as db:
            rows = db.execute(
                "SELECT id FROM issuance_certificate_request WHERE id = ANY(%s)", (request_ids,)
            ).fetchall()
        return set(request_ids) - {row[0] for row in rows}

    def backlog(self) -> int:
        """Requests waiting for a render (live kiosks' and abandoned ones alike)."""
        with _connect(self.url) as db:
            row = db.execute(
                "SELECT count(*) FROM issuance_certificate_request"
                " WHERE state IN ('accepted', 'rendering')"
            ).fetchone()
        return int(row[0]) if row else 0

    def states(self) -> dict[str, int]:
        with _connect(self.url) as db:
            rows = db.execute(
                "SELECT state, count(*) FROM issuance_certificate_request GROUP BY state"
            ).fetchall()
        return {state: int(n) for state, n in rows}


def rate(times: list[float], start: float, end: float) -> float:
    """Events per second between ``start`` and ``end`` in sorted ``times``."""
    if end <= start:
        return 0.0
    return (bisect.bisect_left(times, end) - bisect.bisect_left(times, start)) / (end - start)


def recovery_seconds(
    times: list[float], fault_end: float, baseline: float, horizon: float, span: float = 5.0
) -> float | None:
    """Seconds from ``fault_end`` until a ``span``-second window first runs at ≥ 80 % of
    ``baseline`` (0 if it never dropped); None if not within ``horizon`` seconds."""
    step = 0.5
    offset = 0.0
    while offset + span <= horizon + 1e-9:
        if rate(times, fault_end + offset, fault_end + offset + span) >= 0.8 * baseline:
            return offset
        offset += step
    return None


def read_journal(path: Path) -> list[tuple[float, str, str]]:
    """The kiosks' acknowledged submissions: (when, request id, kiosk kind)."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            entries.append((float(parts[0]), parts[1], parts[2]))
    return entries


def read_5xx(path: Path) -> list[float]:
    if not path.exists():
        return []
    return [float(line.split()[0]) for line in path.read_text().splitlines() if line.strip()]


class LogMark:
    """Counts server-side 5xx evidence (unhandled exceptions) written to a log since a mark."""

    PATTERNS = ("ERROR kiosk_api.app: unhandled error", "Exception on ", "Error handling request",
                "WORKER TIMEOUT")  # fmt: skip

    def __init__(self, path: Path) -> None:
        self.path = path

    def offset(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def count(self, start: int, end: int | None = None) -> int:
        if not self.path.exists():
            return 0
        with self.path.open("rb") as file:
            file.seek(start)
            text = file.read(None if end is None else max(0, end - start))
        lines = text.decode("utf-8", "replace").splitlines()
        return sum(1 for line in lines if any(p in line for p in self.PATTERNS))

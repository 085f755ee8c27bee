"""CPU used by each part of the bench (web, workers, PostgreSQL, Redis, Locust), from /proc."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROLES = ("web", "workers", "postgres", "redis", "locust")


def _role(stat: str, pid: str, sessions: dict[int, str]) -> str | None:
    """Which part of the bench a process belongs to (None: not ours)."""
    comm = stat[stat.find("(") + 1 : stat.rfind(")")]
    session = int(stat[stat.rfind(")") + 2 :].split()[3])
    if session in sessions:
        return sessions[session]
    if comm in ("postgres", "redis-server"):
        return comm.replace("-server", "")
    try:
        if b"locust" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return "locust"
    except OSError:
        pass
    return None


def cpu_seconds(sessions: dict[int, str]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each role's live processes, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(ROLES, 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        role = _role(stat, pid, sessions)
        if role is not None:
            fields = stat.rsplit(")", 1)[1].split()
            used[role] += (int(fields[11]) + int(fields[12])) / tick
    return used


class CpuWindow:
    """CPU used by each role between two moments of the Locust run (after the ramp-up)."""

    def __init__(self, sessions: dict[int, str], skip: float, length: float) -> None:
        self.sessions, self.skip, self.length = sessions, skip, length
        self.used: dict[str, float] = {}
        self.wall = 0.0
        self.began_at = self.ended_at = datetime.now(UTC)
        self._thread = threading.Thread(target=self._measure, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _measure(self) -> None:
        time.sleep(self.skip)
        before, began = cpu_seconds(self.sessions), time.monotonic()
        self.began_at = datetime.now(UTC)
        time.sleep(self.length)
        after = cpu_seconds(self.sessions)
        self.ended_at = datetime.now(UTC)
        self.wall = time.monotonic() - began
        self.used = {role: round(after[role] - before[role], 2) for role in ROLES}

    def result(self, database_url: str) -> dict:
        """The CPU, and the issuances printed inside the same window (from the database)."""
        self._thread.join(timeout=self.skip + self.length + 5)
        with psycopg.connect(database_url.replace("+psycopg", "")) as db:
            row = db.execute(
                "SELECT count(*) FROM issuance_certificate_request"
                " WHERE state = 'printed' AND confirmed_at >= %s AND confirmed_at < %s",
                (self.began_at, self.ended_at),
            ).fetchone()
        return {
            "wall_seconds": round(self.wall, 1),
            "cpu_seconds": self.used,
            "printed": int(row[0]) if row else 0,
        }

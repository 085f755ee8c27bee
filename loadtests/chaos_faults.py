"""The faults the chaos run injects, each for a bounded window, and how each is cleared."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from base64 import urlsafe_b64encode
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from bench_processes import log

HOSTILE_PDFS = Path("/work/shared/fixtures/hostile-pdfs")


@dataclass
class Fault:
    name: str
    seconds: float
    inject: Callable[[Any], None]
    clear: Callable[[Any], None]
    own_server: bool = False  # BCL throughput is compared with the baseline during it


@dataclass
class HostileBurst:
    """A few threads sending hostile input at the public endpoints until stopped."""

    base_url: str
    kiosk_token: str
    threads: int = 2
    answers: dict[int, int] = field(default_factory=dict)
    unanswered_by_call: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)

    def requests(self) -> list[tuple[str, str, dict[str, Any]]]:
        b64 = lambda data: urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
        signature = b64(bytes(64))
        huge_number = b64(b'{"kid":"k1","v":1e999999}')
        tokens = [f"{b64(b'[' * 1_200)}.{signature}", "a.b.c", "...", "A" * 4000 + ".x",
                  f"{huge_number}.{signature}"]  # fmt: skip
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", "/api/verify", {"params": {"t": t}}) for t in tokens
        ]
        calls += [("GET", "/verify", {"params": {"t": tokens[0]}})]
        as_pdf = {"Content-Type": "application/pdf"}
        for pdf in sorted(HOSTILE_PDFS.glob("*.pdf")):
            calls.append(("POST", "/api/verify/pdf", {"data": pdf.read_bytes(), "headers": as_pdf}))
        bad = {"Authorization": "Bearer not-a-kiosk-token"}
        good = {"Authorization": f"Bearer {self.kiosk_token}"}
        calls += [
            ("POST", "/v1/sessions", {"json": {"certificate": "AAAA"}, "headers": bad}),
            ("GET", "/v1/sessions/%00/menu", {"headers": good}),
            (
                "POST",
                "/v1/sessions",
                {"data": b"{" * 10_000, "headers": {**good, "Content-Type": "application/json"}},
            ),  # fmt: skip
        ]
        return calls

    def _run(self, offset: int) -> None:
        calls = self.requests()
        i = offset
        with requests.Session() as http:
            while not self._stop.is_set():
                method, path, kwargs = calls[i % len(calls)]
                i += 1
                try:
                    status = http.request(method, self.base_url + path, timeout=10, **kwargs)
                    code = status.status_code
                except requests.RequestException as exc:
                    code = 0  # no answer at all
                    what = f"{method} {path}: {type(exc).__name__}"
                    self.unanswered_by_call[what] = self.unanswered_by_call.get(what, 0) + 1
                self.answers[code] = self.answers.get(code, 0) + 1

    def start(self) -> None:
        self._stop.clear()
        self._workers = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(self.threads)
        ]
        for worker in self._workers:
            worker.start()

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=15)
        log(f"hostile burst answers by status: {dict(sorted(self.answers.items()))}")
        if self.unanswered_by_call:
            log(f"hostile burst calls with no answer: {self.unanswered_by_call}")

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.answers.items() if code >= 500)

    @property
    def unanswered(self) -> int:
        return self.answers.get(0, 0)


def _own_server(mode: str, gap: float = 0.0, flood_mb: int = 0) -> Callable[[Any], None]:
    def switch(rig: Any) -> None:
        server = rig.own_server
        server.mode, server.gap, server.flood_bytes = mode, gap, flood_mb * 1024 * 1024

    return switch


def _redis_down(rig: Any) -> None:
    rig.redis.stop(save=True)


def _redis_up(rig: Any) -> None:
    rig.redis.start()


def _postgres_down(rig: Any) -> None:
    rig.postgres.stop()


def _postgres_up(rig: Any) -> None:
    rig.postgres.start()


def _kill_worker(rig: Any) -> None:
    name, proc = rig.workers[0]
    os.killpg(proc.pid, signal.SIGKILL)  # the worker and its work horse: its own session
    proc.wait(timeout=10)
    log(f"SIGKILLed {name} (pid {proc.pid})")


def _restart_worker(rig: Any) -> None:
    rig.restart_worker(0)  # as a supervisor (systemd Restart=always) would


def _hostile_start(rig: Any) -> None:
    token = next(iter(json.loads(rig.kiosks_file.read_text()).values()))
    rig.burst = HostileBurst(rig.base_url, token)
    rig.burst.start()


def _hostile_stop(rig: Any) -> None:
    rig.burst.stop()


def catalogue(seconds: float, redis_s: float, postgres_s: float, flood_mb: int) -> list[Fault]:
    """Every fault, in the order they are injected."""
    healthy = _own_server("none")
    return [
        Fault("own_trickle", seconds, _own_server("trickle", 2.0), healthy, own_server=True),
        # four pieces 0.625 s apart: 2.5 s in all, inside the 3 s deadline
        Fault("own_slow", seconds, _own_server("slow", 0.625), healthy, own_server=True),
        Fault("own_huge", seconds, _own_server("huge", 0, flood_mb), healthy, own_server=True),
        Fault("redis_down", redis_s, _redis_down, _redis_up),
        Fault("postgres_down", postgres_s, _postgres_down, _postgres_up),
        Fault("worker_sigkill", 2.0, _kill_worker, _restart_worker),
        Fault("hostile_burst", seconds, _hostile_start, _hostile_stop),
    ]


def chosen(faults: list[Fault], names: str) -> list[Fault]:
    """The faults named in ``names`` (comma-separated, in that order; empty: all)."""
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = set(wanted) - {f.name for f in faults}
    if unknown:
        raise SystemExit(f"chaos: unknown fault(s) {sorted(unknown)}; known: "
                         f"{[f.name for f in faults]}")  # fmt: skip
    by_name = {f.name: f for f in faults}
    return [by_name[name] for name in wanted] if wanted else faults


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))

"""Fault campaign (issue 13): the production shape under load, one fault at a time, measured.

Starts a private PostgreSQL and Redis (free ports, a temporary directory), gunicorn 2×8, two
``kofu worker``, 横浜市's own server behind ``FaultyServer`` in this process, and Locust kiosks
(BCL residents mostly, a few of 横浜市). After a warm-up and a baseline window it injects each
fault for a bounded window, clears it, watches the recovery, and prints one row per fault:
terminal / stuck / lost / double-billed / 5xx / recovery time, and for the own-server faults
BCL issuances/s against the baseline. Written to ``var/chaos/latest.json``.

Environment: CHAOS_KIOSKS (20), CHAOS_SECONDS_PER_FAULT (30), CHAOS_REDIS_SECONDS (15),
CHAOS_POSTGRES_SECONDS (10), CHAOS_WARMUP_SECONDS (20), CHAOS_BASELINE_SECONDS (30),
CHAOS_RECOVERY_SECONDS (30), CHAOS_SETTLE_SECONDS (15; at least the stuck deadline less the
recovery window), CHAOS_STUCK_SECONDS (60),
CHAOS_FLOOD_MB (200), CHAOS_DOCUMENT_TTL_SECONDS (60: KOFU_DOCUMENT_TTL_SECONDS for the run),
CHAOS_DRAIN_SECONDS (120: the longest wait, after each recovery window, for the render backlog
to drain before the next fault), CHAOS_FAULTS (comma-separated names, in that order; all),
CHAOS_OUT (the JSON file).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_processes import BIN, ROOT, kofu, log, open_all_hours, start, stop, wait_for_health
from chaos_faults import Fault, catalogue, chosen, sleep_until
from chaos_measure import Ledger, LogMark, Window, read_5xx, read_journal
from chaos_report import rows_for, table
from chaos_services import PrivatePostgres, PrivateRedis, free_port, remove_tree, start_own_server

# Requests made this long before a fault count against it: a flow under way (a download, a
# confirmation) is what the fault breaks, not the quiet window before.
LEAD_S = 3.0


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or int(raw) <= 0:
        sys.exit(f"chaos: {name} must be a positive whole number, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Config:
    kiosks: int
    fault_s: int
    redis_s: int
    postgres_s: int
    warmup_s: int
    baseline_s: int
    recovery_s: int
    settle_s: int
    stuck_s: int
    flood_mb: int
    document_ttl_s: int
    drain_s: int
    faults: str
    out: Path

    @classmethod
    def from_env(cls) -> Config:
        return cls(
            kiosks=_env_int("CHAOS_KIOSKS", 20),
            fault_s=_env_int("CHAOS_SECONDS_PER_FAULT", 30),
            redis_s=_env_int("CHAOS_REDIS_SECONDS", 15),
            postgres_s=_env_int("CHAOS_POSTGRES_SECONDS", 10),
            warmup_s=_env_int("CHAOS_WARMUP_SECONDS", 20),
            baseline_s=_env_int("CHAOS_BASELINE_SECONDS", 30),
            recovery_s=_env_int("CHAOS_RECOVERY_SECONDS", 30),
            settle_s=_env_int("CHAOS_SETTLE_SECONDS", 15),
            stuck_s=_env_int("CHAOS_STUCK_SECONDS", 60),
            flood_mb=_env_int("CHAOS_FLOOD_MB", 200),
            document_ttl_s=_env_int("CHAOS_DOCUMENT_TTL_SECONDS", 60),
            drain_s=_env_int("CHAOS_DRAIN_SECONDS", 120),
            faults=os.environ.get("CHAOS_FAULTS", ""),
            out=Path(os.environ.get("CHAOS_OUT") or ROOT / "var" / "chaos" / "latest.json"),
        )


class Rig:
    """The running shape: what the faults reach for (servers, workers) and the run's files."""

    stop_timeout_s = 10  # how long a kiosk is given to finish its flow when the load stops

    def __init__(self, stack: ExitStack, root: Path, config: Config) -> None:
        self.stack, self.root, self.config = stack, root, config
        self.logs = root / "logs"
        self.logs.mkdir()
        self.postgres, self.redis = PrivatePostgres(root), PrivateRedis(root)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.own_server: Any = None
        self.burst: Any = None
        self.restarts = 0
        self.env: dict[str, str] = {}

    @property
    def kiosks_file(self) -> Path:
        return self.root / "data" / "demo" / "kiosks.json"

    def server_logs(self) -> list[Path]:
        """The API's output, searched for unhandled errors (5xx the centre logged)."""
        return [self.logs / "serve.log"]

    def up(self) -> None:
        self.postgres.init()
        self.stack.callback(self.postgres.stop)
        self.redis.start()
        self.stack.callback(self.redis.stop, False)
        (self.root / "prometheus").mkdir()
        self.env = dict(
            os.environ,
            KOFU_DATABASE_URL=self.postgres.url,
            KOFU_REDIS_URL=self.redis.url,
            KOFU_DATA_DIR=str(self.root / "data"),
            # a pepper of the run's own: the development one is refused on PostgreSQL
            KOFU_KIOSK_KEY_PEPPER=secrets.token_hex(32),
            # an abandoned document expires within the run
            KOFU_DOCUMENT_TTL_SECONDS=str(self.config.document_ttl_s),
            PROMETHEUS_MULTIPROC_DIR=str(self.root / "prometheus"),
            CHAOS_JOURNAL=str(self.root / "journal.txt"),
            CHAOS_5XX=str(self.root / "5xx.txt"),
        )
        for name in ("KOFU_PKI_DIR", "KOFU_MUNICIPAL_TLS_DIR", "KOFU_SIGNING_KEY_DIR"):
            self.env.pop(name, None)
        kofu(self.env, "db", "upgrade", timeout=60)
        extra = str(max(2 * self.config.kiosks, 20))
        kofu(self.env, "demo", "load", "--extra-residents", extra, timeout=180)
        open_all_hours(self.postgres.url)
        self.own_server, engine = start_own_server(self.root / "data", self.root, self.postgres.url)
        self.stack.callback(engine.dispose)
        self.stack.callback(self.own_server.server_close)
        self.stack.callback(self.own_server.shutdown)
        serve = ["serve", "--port", str(self.port), "--workers", "2", "--threads", "8"]
        procs = [start(self.stack, "serve", [str(BIN / "kofu"), *serve], self.env, self.logs)]
        for i in (1, 2):
            self.workers.append((f"worker{i}", self._worker(f"worker{i}")))
        procs += [p for _, p in self.workers]
        wait_for_health(f"{self.base_url}/healthz", procs, self.logs)

    def _worker(self, name: str) -> subprocess.Popen[bytes]:
        return start(self.stack, name, [str(BIN / "kofu"), "worker"], self.env, self.logs)

    def restart_worker(self, index: int) -> None:
        self.restarts += 1
        name = f"{self.workers[index][0].split('-')[0]}-r{self.restarts}"
        self.workers[index] = (name, self._worker(name))

    def revive_workers(self) -> int:
        """Restart the workers that exited by themselves, so the next fault meets the full
        shape; returns how many had."""
        dead = [i for i, (_, proc) in enumerate(self.workers) if proc.poll() is not None]
        for i in dead:
            log(f"{self.workers[i][0]} had exited (code {self.workers[i][1].returncode})")
            self.restart_worker(i)
        self.wait_listening([self.workers[i][0] for i in dead])  # before the next fault
        return len(dead)

    def wait_listening(self, names: list[str], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for name in names:
            path = self.logs / f"{name}.log"
            while b"Listening on" not in (path.read_bytes() if path.exists() else b""):
                if time.monotonic() > deadline:
                    log(f"{name} is not listening after {timeout:g} s; going on")
                    return
                time.sleep(0.2)

    def locust(self, seconds: float) -> subprocess.Popen[bytes]:
        argv = [
            str(BIN / "locust"), "-f", str(ROOT / "loadtests" / "chaos_locustfile.py"),
            "--headless", "-u", str(self.config.kiosks), "-r", str(self.config.kiosks),
            "-t", f"{int(seconds)}s", "--host", self.base_url, "--only-summary",
            "--csv", str(self.root / "locust"), "--stop-timeout", str(self.stop_timeout_s),
        ]  # fmt: skip
        log(f"locust: {self.config.kiosks} kiosks for {int(seconds)} s")
        return start(self.stack, "locust", argv, self.env, self.logs)


def drain(ledger: Ledger, kiosks: int, bound: int) -> float | None:
    """Wait (at most ``bound`` s) until no more renders wait than kiosks ask for at once;
    returns the seconds it took, None if it did not drain."""
    began = time.monotonic()
    while ledger.backlog() > kiosks:
        if time.monotonic() - began > bound:
            log(f"the render backlog did not drain in {bound} s; going on")
            return None
        time.sleep(1.0)
    return round(time.monotonic() - began, 1)


def campaign(rig: Rig, faults: list[Fault]) -> tuple[Window, list[tuple[Fault, Window]], float]:
    """Runs the load and the faults; returns the baseline, each fault's window, the end."""
    c = rig.config
    plan = sum(f.seconds + c.recovery_s + c.drain_s for f in faults)
    locust = rig.locust(c.warmup_s + c.baseline_s + plan + 30 * len(faults) + 60)  # a bound
    began = time.time()
    baseline = Window("baseline", began + c.warmup_s, began + c.warmup_s + c.baseline_s, 0)
    baseline.until, baseline.injected = baseline.end, baseline.start
    sleep_until(baseline.end)
    log("baseline window done")
    windows: list[tuple[Fault, Window]] = []
    server_logs = [LogMark(path) for path in rig.server_logs()]
    for fault in faults:
        offsets = [mark.offset() for mark in server_logs]
        window = Window(fault.name, time.time(), 0, 0)
        time.sleep(LEAD_S)
        window.injected = time.time()
        log(f"fault {fault.name}: injected for {fault.seconds:g} s")
        fault.inject(rig)
        time.sleep(fault.seconds)  # from when the fault is in place (a shutdown takes a while)
        fault.clear(rig)
        window.end = time.time()
        log(f"fault {fault.name}: cleared")
        sleep_until(window.end + c.recovery_s)
        window.worker_exits = rig.revive_workers()
        if fault is not faults[-1]:  # the next fault meets a drained queue
            window.drain_s = drain(Ledger(rig.postgres.url), c.kiosks, c.drain_s)
        window.until = time.time()  # the next window starts here: every request is counted once
        window.serve_log_5xx = sum(m.count(o) for m, o in zip(server_logs, offsets, strict=True))
        if fault.name == "hostile_burst":
            window.burst_5xx, window.burst_unanswered = (
                rig.burst.server_errors,
                rig.burst.unanswered,
            )
        windows.append((fault, window))
    stop("locust", locust, rig.stop_timeout_s + 5)  # it stops its kiosks on SIGTERM
    # Long enough that every request made while the last fault was in place can be judged.
    settle = max(c.settle_s, c.stuck_s - c.recovery_s)
    log(f"load stopped; settling {settle} s")
    time.sleep(settle)
    return baseline, windows, time.time()


def main() -> int:
    # A stop (SIGTERM, or SIGINT even when started in the background) unwinds the stack, so
    # every process started is stopped by its PID and the temporary directory removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    config = Config.from_env()
    faults = chosen(
        catalogue(config.fault_s, config.redis_s, config.postgres_s, config.flood_mb),
        config.faults,
    )
    began = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="kofu-chaos-"))
    with ExitStack() as stack:
        stack.callback(remove_tree, root)
        rig = Rig(stack, root, config)
        rig.up()
        baseline, windows, checked_at = campaign(rig, faults)
        ledger = Ledger(rig.postgres.url)
        journal = read_journal(root / "journal.txt")
        rows, summary = rows_for(
            ledger, baseline, windows, journal, read_5xx(root / "5xx.txt"),
            checked_at - config.stuck_s, config.recovery_s,
        )  # fmt: skip
        summary["states"] = ledger.states()
        config.out.parent.mkdir(parents=True, exist_ok=True)
        kept = config.out.parent / "logs"
        kept.mkdir(exist_ok=True)
        for source in rig.logs.glob("*.log"):
            (kept / source.name).write_bytes(source.read_bytes())
    figures = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {k: str(v) for k, v in vars(config).items()},
        "faults": rows,
        **summary,
        "wall_seconds": round(time.monotonic() - began, 1),
    }
    config.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print("\n" + table(rows, summary) + "\n", flush=True)
    log(f"wrote {config.out} in {figures['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

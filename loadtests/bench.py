"""End-to-end benchmark: the production shape on this machine, Locust against it, bare render rate.

Starts a fresh PostgreSQL database, gunicorn (``kofu serve``) and two RQ workers, all on
127.0.0.1 and stopped by PID at the end; loads demo data with extra residents; runs the Locust
kiosk flow headless; then measures bare WeasyPrint renders/s with as many processes as render
workers, and compares. Figures are printed and written to ``var/bench/latest.json``.

Environment: BENCH_USERS (10), BENCH_SPAWN_RATE (5), BENCH_SECONDS (60),
BENCH_RENDER_SECONDS (10), BENCH_PG_URL (the ``postgres`` database of the server to use),
BENCH_REDIS_URL (must name a dedicated, non-zero database: it is flushed), BENCH_PORT (8765).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench_cpu import CpuWindow
from bench_processes import (
    BIN,
    REDIS_URL,
    ROOT,
    create_database,
    dedicated_redis,
    kofu,
    log,
    open_all_hours,
    start,
    stop,
    wait_for_health,
)

RENDER_WORKERS = 2


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or int(raw) <= 0:
        sys.exit(f"bench: {name} must be a positive whole number, got {raw!r}")
    return int(raw)


USERS = _env_int("BENCH_USERS", 10)
SPAWN_RATE = _env_int("BENCH_SPAWN_RATE", 5)
SECONDS = _env_int("BENCH_SECONDS", 60)
RENDER_SECONDS = _env_int("BENCH_RENDER_SECONDS", 10)
PORT = _env_int("BENCH_PORT", 8765)
EXTRA_RESIDENTS = max(200, USERS)


def import_render_bench():  # type: ignore[no-untyped-def]
    """``loadtests/render_bench.bare_rate``, or a clear stop before anything is started."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        from render_bench import bare_rate
    except ImportError as exc:
        sys.exit(
            f"bench: loadtests/render_bench.py with bare_rate(seconds, processes) is needed "
            f"for the bare render rate ({exc})"
        )
    return bare_rate


def run_locust(env: dict[str, str], run_dir: Path) -> dict[str, dict[str, str]]:
    prefix = run_dir / "locust"
    argv = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "loadtests" / "locustfile.py"),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        str(SPAWN_RATE),
        "-t",
        f"{SECONDS}s",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
    ]
    log(f"locust: {USERS} kiosks, +{SPAWN_RATE}/s, {SECONDS} s")
    completed = subprocess.run(argv, env=env, cwd=ROOT, timeout=SECONDS + 90)
    stats_file = prefix.with_name("locust_stats.csv")
    if not stats_file.exists():
        sys.exit(f"bench: Locust wrote no statistics (exit {completed.returncode})")
    with stats_file.open(newline="") as file:
        return {f"{row['Type']} {row['Name']}": row for row in csv.DictReader(file)}


def summarise(stats: dict[str, dict[str, str]], render: dict, cpu: dict) -> dict:
    flows = stats.get("FLOW issuance", {})
    ready = stats.get("FLOW request_to_ready", {})
    http_failures = sum(
        int(row["Failure Count"])
        for key, row in stats.items()
        if not key.startswith(("FLOW ", " Aggregated", "None Aggregated"))
    )
    completed = int(flows.get("Request Count", 0)) - int(flows.get("Failure Count", 0))
    issuances_per_s = round(completed / SECONDS, 2)
    bare_naive = render["naive"]["renders_per_s"]
    bare_ours = render["ours"]["renders_per_s"]
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "users": USERS,
        "seconds": SECONDS,
        "render_workers": RENDER_WORKERS,
        "issuances_completed": completed,
        "issuances_per_s": issuances_per_s,
        "request_to_ready_ms": {p: _number(ready.get(f"{p}%")) for p in ("50", "95", "99")},
        "errors": int(flows.get("Failure Count", 0)),
        "http_failures": http_failures,
        "bare_render_per_s": {
            "naive": bare_naive,
            "optimised": bare_ours,
            "processes": render["processes"],
            "seconds": render["seconds"],
        },
        "platform_over_bare": {
            "optimised": round(issuances_per_s / max(bare_ours, 1e-9), 2),
            "naive": round(issuances_per_s / max(bare_naive, 1e-9), 2),
        },
        "cpu": cpu_per_issuance(cpu, render),
        "sign_ins": {
            credential: int(stats.get(f"FLOW sign_in {credential}", {}).get("Request Count", 0))
            for credential in ("card", "android", "iphone")
        },
    }


def cpu_per_issuance(cpu: dict, render: dict) -> dict:
    """Where the machine's CPU went, in ms per completed issuance, against the bare render.

    ``bare_over_platform_cpu`` compares CPU, not wall time: the bare render's CPU per document
    (all processes busy, so ``processes / rate``) over the platform's CPU per issuance, the
    load generator left out. It says how much the platform adds on top of the render itself
    on a machine whose cores it does not share with Locust.
    """
    done = cpu["printed"]
    if done <= 0:
        return {}
    per = {role: round(seconds * 1000 / done, 1) for role, seconds in cpu["cpu_seconds"].items()}
    platform_ms = sum(v for role, v in per.items() if role != "locust")
    bare_ms = 1000 * render["processes"] / max(render["ours"]["renders_per_s"], 1e-9)
    return {
        "window_seconds": cpu["wall_seconds"],
        "issuances_in_window": done,
        "ms_per_issuance": per,
        "platform_ms_per_issuance": round(platform_ms, 1),
        "bare_render_ms": round(bare_ms, 1),
        "bare_over_platform_cpu": round(bare_ms / platform_ms, 2) if platform_ms else None,
    }


def _number(raw: str | None) -> float | None:
    return None if raw in (None, "", "N/A") else float(raw)


def report(figures: dict) -> None:
    p = figures["request_to_ready_ms"]
    bare = figures["bare_render_per_s"]
    ratio = figures["platform_over_bare"]
    lines = [
        f"kofu bench: {figures['users']} kiosks for {figures['seconds']} s, "
        f"{RENDER_WORKERS} render workers",
        f"  issuances/s (whole flows)     {figures['issuances_per_s']}"
        f"  ({figures['issuances_completed']} completed)",
        f"  request_to_ready p50/p95/p99  {p['50']} / {p['95']} / {p['99']} ms",
        f"  errors (abandoned flows)      {figures['errors']}"
        f"  (HTTP failures: {figures['http_failures']})",
        f"  bare renders/s, {bare['processes']} processes  naive {bare['naive']},"
        f" optimised {bare['optimised']}",
        f"  platform / bare               {ratio['optimised']} of optimised,"
        f" {ratio['naive']} of naive",
        "  sign-ins card/android/iphone  "
        + " / ".join(str(n) for n in (figures.get("sign_ins") or {}).values()),
    ]
    cpu = figures.get("cpu") or {}
    if cpu:
        per = ", ".join(f"{role} {ms}" for role, ms in cpu["ms_per_issuance"].items())
        lines += [
            f"  CPU ms per issuance           {per}",
            f"  bare render / platform CPU    {cpu['bare_render_ms']} ms of"
            f" {cpu['platform_ms_per_issuance']} ms: {cpu['bare_over_platform_cpu']}"
            " (Locust left out)",
        ]
    print("\n" + "\n".join(lines) + "\n", flush=True)


def main() -> int:
    bare_rate = import_render_bench()
    cache = dedicated_redis()
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with ExitStack() as stack:
        run_dir = Path(tempfile.mkdtemp(prefix="kofu-bench-"))
        stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
        logs = out_dir / "logs"
        logs.mkdir(exist_ok=True)
        metrics_dir = run_dir / "prometheus"
        metrics_dir.mkdir()
        cache.flushdb()
        stack.callback(cache.flushdb)
        env = dict(
            os.environ,
            KOFU_DATABASE_URL=create_database(stack),
            KOFU_REDIS_URL=REDIS_URL,
            KOFU_DATA_DIR=str(run_dir / "data"),
            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
            # `kofu serve` on PostgreSQL refuses the development pepper; the run's own will do.
            KOFU_KIOSK_KEY_PEPPER=secrets.token_hex(32),
        )
        env.pop("KOFU_PKI_DIR", None)
        kofu(env, "db", "upgrade", timeout=60)
        kofu(env, "demo", "load", "--extra-residents", str(EXTRA_RESIDENTS), timeout=120)
        open_all_hours(env["KOFU_DATABASE_URL"])
        serve = ["serve", "--port", str(PORT), "--workers", "2", "--threads", "8"]
        procs = {"serve": start(stack, "serve", [str(BIN / "kofu"), *serve], env, logs)}
        for i in range(1, RENDER_WORKERS + 1):
            name = f"worker{i}"
            procs[name] = start(stack, name, [str(BIN / "kofu"), "worker"], env, logs)
        wait_for_health(f"http://127.0.0.1:{PORT}/healthz", list(procs.values()), logs)
        sessions = {p.pid: "workers" if n.startswith("worker") else "web" for n, p in procs.items()}
        skip = min(10.0, SECONDS / 4)  # after the ramp-up, before the stop
        window = CpuWindow(sessions, skip, SECONDS - 2 * skip)
        window.start()
        stats = run_locust(env, run_dir)
        cpu = window.result(env["KOFU_DATABASE_URL"])
        shutil.copy(run_dir / "locust_stats.csv", out_dir / "locust_stats.csv")
        for name, proc in procs.items():  # the bare render rate gets the machine to itself
            stop(name, proc)
    log(f"bare render rate: {RENDER_WORKERS} processes, {RENDER_SECONDS} s per mode")
    figures = summarise(stats, bare_rate(float(RENDER_SECONDS), RENDER_WORKERS), cpu)
    figures["wall_seconds"] = round(time.monotonic() - began, 1)
    (out_dir / "latest.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    report(figures)
    log(f"wrote {out_dir / 'latest.json'} in {figures['wall_seconds']} s")
    return 0 if figures["issuances_completed"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

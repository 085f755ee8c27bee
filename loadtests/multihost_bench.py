"""``make bench-hosts``: issuances/s through HAProxy with one centre host, then with two, in
the same run (the same database, the same Locust kiosks), for the capacity model in
infra/README.md. Environment: BENCH_USERS (30), BENCH_SECONDS (60)."""

from __future__ import annotations

import csv
import os
import subprocess
import time
from typing import Any

from bench_cpu import CpuWindow
from bench_processes import BIN, ROOT, log

SECONDS = int(os.environ.get("BENCH_SECONDS") or 60)
USERS = int(os.environ.get("BENCH_USERS") or 30)


def _stage(rig: Any, name: str) -> dict[str, Any]:
    prefix = rig.root / f"bench-{name}"
    argv = [
        str(BIN / "locust"), "-f", str(ROOT / "loadtests" / "locustfile.py"), "--headless",
        "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s", "--host", rig.base_url,
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
    ]  # fmt: skip
    log(f"bench {name}: {USERS} kiosks for {SECONDS} s through HAProxy")
    sessions = {p.pid: "web" if unit.startswith("kofu-api") else "workers"
                for h in rig.hosts if not h.down for unit, p in h.procs.items()}  # fmt: skip
    skip = min(10.0, SECONDS / 4)  # after the ramp-up, before the stop
    window = CpuWindow(sessions, skip, SECONDS - 2 * skip)
    window.start()
    with (rig.logs / f"bench-{name}.log").open("wb") as out:
        subprocess.run(argv, env=rig.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                       timeout=SECONDS + 120, check=False)  # fmt: skip
    with prefix.with_name(f"{prefix.name}_stats.csv").open(newline="") as file:
        stats = {f"{row['Type']} {row['Name']}": row for row in csv.DictReader(file)}
    cpu = window.result(rig.postgres.url)
    flows, ready = stats.get("FLOW issuance", {}), stats.get("FLOW request_to_ready", {})
    done = int(flows.get("Request Count", 0)) - int(flows.get("Failure Count", 0))
    return {
        "hosts": name,
        "issuances": done,
        "issuances_per_s": round(done / SECONDS, 2),
        "abandoned_flows": int(flows.get("Failure Count", 0)),
        "request_to_ready_ms_p50_p95": [ready.get("50%"), ready.get("95%")],
        "cpu": _per_issuance(cpu),
    }


def _per_issuance(cpu: dict[str, Any]) -> dict[str, Any]:
    """The hosts' CPU (gunicorn and render workers) per issuance printed in the window, and
    what it makes per core: ``1000 / ms``. PostgreSQL and Redis are shared services: their
    figure counts every postgres and redis-server process on this machine (an upper bound)."""
    done = cpu["printed"]
    used = cpu["cpu_seconds"]
    if done <= 0:
        return {"printed_in_window": 0}
    host_ms = (used["web"] + used["workers"]) * 1000 / done
    return {
        "window_s": cpu["wall_seconds"],
        "printed_in_window": done,
        "issuances_per_s_in_window": round(done / max(cpu["wall_seconds"], 1e-9), 2),
        "cpu_s": used,
        "host_cpu_ms_per_issuance": round(host_ms, 1),
        "issuances_per_s_per_host_core": round(1000 / host_ms, 2) if host_ms else None,
        "services_cpu_ms_per_issuance_at_most": round(
            (used["postgres"] + used["redis"]) * 1000 / done, 1
        ),
    }


def bench(rig: Any) -> dict[str, Any]:
    """Host 1 alone (host 2 not started, HAProxy has it DOWN), then host 2 started too."""
    one = _stage(rig, "1")
    rig.hosts[1].start()
    rig.balancer.wait_for({h.name: "UP" for h in rig.hosts})
    time.sleep(3)  # its workers listening
    two = _stage(rig, "2")
    ratio = round(two["issuances_per_s"] / one["issuances_per_s"], 2) if one["issuances"] else None
    figures = {"cores": os.cpu_count(), "users": USERS, "seconds": SECONDS,
               "one_host": one, "two_hosts": two, "two_over_one": ratio}  # fmt: skip
    log(f"bench: 1 host {one['issuances_per_s']}/s, 2 hosts {two['issuances_per_s']}/s"
        f" ({ratio}x) on {os.cpu_count()} cores")  # fmt: skip
    return figures

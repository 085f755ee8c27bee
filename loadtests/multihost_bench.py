"""``make bench-hosts``: issuances/s through HAProxy with one centre host, then with two, in
the same run (the same database, the same Locust kiosks), for the capacity model in
infra/README.md. Environment: BENCH_USERS (30), BENCH_SECONDS (60)."""

from __future__ import annotations

import csv
import os
import subprocess
import time
from typing import Any

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
    with (rig.logs / f"bench-{name}.log").open("wb") as out:
        subprocess.run(argv, env=rig.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                       timeout=SECONDS + 120, check=False)  # fmt: skip
    with prefix.with_name(f"{prefix.name}_stats.csv").open(newline="") as file:
        stats = {f"{row['Type']} {row['Name']}": row for row in csv.DictReader(file)}
    flows, ready = stats.get("FLOW issuance", {}), stats.get("FLOW request_to_ready", {})
    done = int(flows.get("Request Count", 0)) - int(flows.get("Failure Count", 0))
    return {
        "hosts": name,
        "issuances": done,
        "issuances_per_s": round(done / SECONDS, 2),
        "abandoned_flows": int(flows.get("Failure Count", 0)),
        "request_to_ready_ms_p50_p95": [ready.get("50%"), ready.get("95%")],
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

"""The fault campaign, bounded: no request lost, billed twice or stuck, no worker lost.

`make chaos` runs it in full (20 kiosks, every fault, long windows); this runs a shorter one
on private PostgreSQL and Redis it starts itself (under three minutes).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The hostile burst is left to tests/integration/test_hostile_input.py (time).
FAULTS = ("own_trickle", "postgres_down", "worker_sigkill", "redis_down")
BOUNDED = {
    "CHAOS_KIOSKS": "10",
    "CHAOS_WARMUP_SECONDS": "3",
    "CHAOS_BASELINE_SECONDS": "5",
    "CHAOS_SECONDS_PER_FAULT": "5",
    "CHAOS_REDIS_SECONDS": "5",
    "CHAOS_POSTGRES_SECONDS": "5",
    "CHAOS_RECOVERY_SECONDS": "6",
    "CHAOS_DRAIN_SECONDS": "15",
    # Stuck: past the sweeper's 30 s requeue of an unqueued render, and past an abandoned
    # document's expiry (TTL, then a sweep every 10 s) however late it became ready.
    "CHAOS_STUCK_SECONDS": "50",
    "CHAOS_DOCUMENT_TTL_SECONDS": "10",
    "CHAOS_FAULTS": ",".join(FAULTS),
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not glob.glob("/usr/lib/postgresql/*/bin/initdb") or not shutil.which("redis-server"),
        reason="needs PostgreSQL's initdb and redis-server to start private instances",
    ),
]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One bounded run for every test in the module; its rows by fault name."""
    out = tmp_path_factory.mktemp("chaos") / "latest.json"
    env = {**os.environ, **BOUNDED, "CHAOS_OUT": str(out)}
    for name in ("KOFU_DATABASE_URL", "KOFU_REDIS_URL", "KOFU_DATA_DIR"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "loadtests" / "chaos.py")],
        env=env,
        cwd=ROOT,
        timeout=300,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(done.stdout[-2500:])
    return {row["fault"]: row for row in json.loads(out.read_text())["faults"]}


def test_the_campaign_reports_a_row_for_the_baseline_and_each_fault(
    campaign: dict[str, dict[str, Any]],
) -> None:
    assert list(campaign) == ["baseline", *FAULTS]
    assert campaign["baseline"]["terminal"] > 0  # the load did run


@pytest.mark.parametrize("fault", FAULTS)
def test_after_the_fault_no_request_is_lost_billed_twice_or_stuck_and_no_worker_exits(
    campaign: dict[str, dict[str, Any]], fault: str
) -> None:
    row = campaign[fault]
    outcome = {k: row[k] for k in ("lost", "double_billed", "stuck", "timed_out", "worker_exits")}
    assert outcome == dict.fromkeys(outcome, 0), row


def test_a_redis_outage_costs_the_kiosks_no_5xx(campaign: dict[str, dict[str, Any]]) -> None:
    """Requests are stored and accepted with Redis away (enqueued once it is back); polls read
    the database: a kiosk sees the render wait, never a 500 or a 503."""
    row = campaign["redis_down"]
    assert (row["locust_5xx"], row["server_log_5xx"]) == (0, 0), row

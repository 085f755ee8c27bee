"""Ledger benchmark: the synthetic nation on PostgreSQL, its load rate and the national report.

Creates a fresh database ``kofu_ledger_bench_<pid>`` on the server of BENCH_PG_URL, migrates it,
generates the nation with LEDGER_BENCH_EVENTS issue events (default 32,000,000, FY2023) through
COPY, closes the twelve months as final (which stores their rollups), then times the national
cost-structure report (CSV, charts, PDF) read from those rollups, once with its charts drawn in
one process and once with one process per core (the ratio of the two is printed). With
LEDGER_BENCH_LIVE=1 it also times the same sums computed straight from the raw events. The
database is dropped at the end. Figures are printed and written to ``var/bench/ledger-latest.json``.

Rollups stay correct because a final month never receives another row: late events and
corrections are booked to the next open month (see ``billing/rollups.py``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from billing.reports.national import cost_structure_report  # noqa: E402
from billing.rollups import live_sums  # noqa: E402
from billing.statements import close_month  # noqa: E402
from billing.tariffs import fiscal_months, load_tariffs  # noqa: E402
from centre.bootstrap import bootstrap  # noqa: E402
from centre.database import upgrade  # noqa: E402
from centre.settings import load_settings  # noqa: E402
from demo.nation import generate  # noqa: E402
from municipalities.profiles import SqlMunicipalityProfiles  # noqa: E402

EVENTS = int(os.environ.get("LEDGER_BENCH_EVENTS") or 32_000_000)
LIVE = os.environ.get("LEDGER_BENCH_LIVE") == "1"
PG_URL = os.environ.get("BENCH_PG_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
FY = 2023


def log(message: str) -> None:
    print(f"[ledger-bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def timed(label: str, figures: dict[str, float], action):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = action()
    figures[label] = round(time.monotonic() - started, 2)
    log(f"{label}: {figures[label]} s")
    return result


def run(url: str, out: Path) -> dict[str, float]:
    figures: dict[str, float] = {"events": EVENTS}
    upgrade(url)
    loaded = generate(url, FY, EVENTS, seed=1, progress=lambda s: None)
    figures["load_seconds"] = round(loaded.seconds, 1)
    figures["load_rows_per_second"] = round(EVENTS / loaded.seconds)
    log(
        f"loaded {EVENTS:,} events in {loaded.seconds:.1f} s "
        f"({figures['load_rows_per_second']:,} rows/s, indexes rebuilt included)"
    )
    platform = bootstrap(
        load_settings({"KOFU_DATABASE_URL": url, "KOFU_DATA_DIR": str(out)}), jobs=False
    )
    profiles = SqlMunicipalityProfiles()
    with platform.uow() as uow:
        tariffs = load_tariffs(uow)

    def close_year() -> None:
        for month in fiscal_months(FY):
            with platform.uow() as uow:
                close_month(uow, month, profiles, tariffs, datetime.now(UTC), final=True)

    timed("close_12_months_final_seconds", figures, close_year)

    def report(processes: int | None):  # type: ignore[no-untyped-def]
        # What `kofu report cost-structure` runs, break-even and scenarios too.
        return lambda: cost_structure_report(
            platform.uow,
            profiles,
            FY,
            out / "report",
            ["metered", "hybrid", "capped"],
            datetime.now(UTC),
            chart_processes=processes,
        )

    # The same report with its charts drawn one after the other, then one process per core:
    # the ratio is the figure to compare across machines.
    timed("report_charts_in_one_process_seconds", figures, report(1))
    timed("report_from_rollups_seconds", figures, report(None))
    figures["report_ratio_parallel_to_serial"] = round(
        figures["report_from_rollups_seconds"] / figures["report_charts_in_one_process_seconds"], 2
    )
    ratio = figures["report_ratio_parallel_to_serial"]
    log(f"report ratio (charts per core / in one process): {ratio}")
    if LIVE:

        def live() -> None:
            with platform.uow() as uow:
                uow.session.execute(live_sums(fiscal_months(FY))).all()

        timed("live_sums_from_events_seconds", figures, live)
    platform.close()
    return figures


def main() -> None:
    name = f"kofu_ledger_bench_{os.getpid()}"
    admin = PG_URL.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            figures = run(url, Path(tmp))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
    target = ROOT / "var" / "bench" / "ledger-latest.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

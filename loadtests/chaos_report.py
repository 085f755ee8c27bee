"""The chaos run's table: one row per fault (and the baseline), as data and as text."""

from __future__ import annotations

from typing import Any

from chaos_faults import Fault
from chaos_measure import BCL_MUNICIPALITIES, Ledger, Window, rate, recovery_seconds

COLUMNS = (
    ("fault", 15),
    ("requests", 8),
    ("terminal", 8),
    ("stuck", 5),
    ("timeout", 7),
    ("unconf", 6),
    ("lost", 4),
    ("double", 6),
    ("5xx", 12),
    ("recovery_s", 10),
    ("bcl_per_s", 9),
    ("bcl_ratio", 9),
    ("w_exits", 7),
    ("drain_s", 7),
)


def _row(
    ledger: Ledger,
    window: Window,
    journal: list[tuple[float, str, str]],
    unknown: set[str],
    fivexx: list[float],
    stuck_before: float,
) -> dict[str, Any]:
    counts = ledger.outcomes(window, stuck_before)
    inside = [rid for at, rid, _ in journal if window.start <= at < window.until]
    return {
        "fault": window.name,
        "started": round(window.injected, 1),
        "cleared": round(window.end, 1),
        "requests": counts["requests"],
        "terminal": counts["terminal"],
        "stuck": counts["stuck"],
        "timed_out": counts["timed_out"],
        "stuck_states": counts["stuck_states"],
        "unconfirmed": counts["unconfirmed"],
        "young": counts["young"],
        "lost": sum(1 for rid in inside if rid in unknown),
        "acknowledged": len(inside),
        "double_billed": counts["double_billed"],
        "locust_5xx": sum(1 for at in fivexx if window.start <= at < window.until),
        "server_log_5xx": window.serve_log_5xx,
        "hostile_5xx": window.burst_5xx,
        "hostile_unanswered": window.burst_unanswered,
        "worker_exits": window.worker_exits,
        "drain_s": window.drain_s,
    }


def rows_for(
    ledger: Ledger,
    baseline: Window,
    windows: list[tuple[Fault, Window]],
    journal: list[tuple[float, str, str]],
    fivexx: list[float],
    stuck_before: float,
    horizon: float,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows, and the baseline figures they are compared with."""
    printed = ledger.printed_times()
    bcl = ledger.printed_times(BCL_MUNICIPALITIES)
    base_rate = rate(printed, baseline.start, baseline.end)
    bcl_base = rate(bcl, baseline.start, baseline.end)
    unknown = ledger.unknown([rid for _, rid, _ in journal])
    first = _row(ledger, baseline, journal, unknown, fivexx, stuck_before)
    first.update(recovery_s=None, bcl_per_s=round(bcl_base, 2), bcl_ratio=None, drain_s=None)
    rows = [first]
    for fault, window in windows:
        row = _row(ledger, window, journal, unknown, fivexx, stuck_before)
        recovery = recovery_seconds(printed, window.end, base_rate, window.until - window.end)
        row["recovery_s"] = recovery
        row["issuances_per_s_during"] = round(rate(printed, window.injected, window.end), 2)
        row["bcl_per_s"] = row["bcl_ratio"] = None
        if fault.own_server:
            during = rate(bcl, window.injected, window.end)
            row["bcl_per_s"] = round(during, 2)
            row["bcl_ratio"] = round(during / bcl_base, 2) if bcl_base else None
        rows.append(row)
    summary = {
        "baseline_issuances_per_s": round(base_rate, 2),
        "baseline_bcl_per_s": round(bcl_base, 2),
        "acknowledged": len(journal),
        "lost_total": len(unknown),
    }
    return rows, summary


def _cell(row: dict[str, Any], column: str) -> str:
    if column == "5xx":
        return f"{row['locust_5xx']}/{row['server_log_5xx']}/{row['hostile_5xx']}"
    key = {
        "unconf": "unconfirmed",
        "double": "double_billed",
        "w_exits": "worker_exits",
        "timeout": "timed_out",
    }.get(column, column)
    value = row.get(key)
    if value is None:
        if row["fault"] == "baseline" or column not in ("recovery_s", "drain_s"):
            return "-"
        return "never" if column == "recovery_s" else "no"
    return str(value)


def table(rows: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    head = " ".join(name.rjust(width) for name, width in COLUMNS)
    lines = [
        f"kofu chaos: baseline {summary['baseline_issuances_per_s']} issuances/s "
        f"({summary['baseline_bcl_per_s']} BCL/s); {summary['acknowledged']} requests "
        f"acknowledged, {summary['lost_total']} lost",
        "5xx = seen by kiosks / unhandled in the server log / answered to the hostile burst;"
        " stuck = non-final (not unconfirmed) past the deadline;"
        " timeout = ended RENDER_TIMEOUT (no worker rendered it within 5 minutes);"
        " w_exits = workers that exited by themselves (restarted after the window);"
        " drain_s = wait after the recovery window for the render backlog to drain",
        head,
        "-" * len(head),
    ]
    for row in rows:
        lines.append(" ".join(_cell(row, name).rjust(width) for name, width in COLUMNS))
    return "\n".join(lines)

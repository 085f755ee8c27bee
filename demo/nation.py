"""A synthetic but realistic nation: 1,741 municipalities and a year of issuances, via COPY."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import psycopg

from demo.nation_synthesis import OPERATORS, Nation, build_nation, event_chunks

HUB_YEARLY_ASSUMED = 3_600_000_000  # yen a year: the synthetic hub's fixed running cost
HUB_PER_ISSUE_ASSUMED = 10  # yen per certificate: its cost that grows with use


@dataclass(frozen=True)
class Generated:
    municipalities: int
    events: int
    seconds: float


def _write_municipalities(cur: psycopg.Cursor, nation: Nation) -> None:
    columns = (
        "code, name, prefecture, municipality_class, population, participating, "
        "backend_kind, backend_settings, mayor_title, mayor_name"
    )
    cur.execute(
        f"CREATE TEMP TABLE nation_muni AS SELECT {columns} "
        "FROM municipalities_municipality WITH NO DATA"
    )
    with cur.copy(f"COPY nation_muni ({columns}) FROM STDIN") as copy:
        for i, code in enumerate(nation.codes):
            backend = "bcl" if nation.classes[i] in ("town", "village") else "own_server"
            copy.write_row(
                (
                    code,
                    nation.names[i],
                    nation.prefectures[i],
                    nation.classes[i],
                    int(nation.populations[i]),
                    bool(nation.participating[i]),
                    backend,
                    "{}",
                    f"{nation.names[i]}長",
                    "合成　太郎",
                )
            )
    # Columns other packages add later keep their server defaults.
    cur.execute(
        f"INSERT INTO municipalities_municipality ({columns}) SELECT {columns} "
        "FROM nation_muni ON CONFLICT (code) DO NOTHING"
    )
    cur.execute("DROP TABLE nation_muni")


def _write_operators_and_tariffs(cur: psycopg.Cursor, nation: Nation, fy: int) -> None:
    """The nation's kiosk operators, and each participating municipality's own dated tariffs."""
    for op_id, name, channel, _share, commission in OPERATORS:
        cur.execute(
            "INSERT INTO issuance_kiosk_operator (id, name, channel, commission_per_issue)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (op_id, name, channel, commission),
        )
    with cur.copy(
        "COPY billing_tariff (tariff, subject, certificate_kind, amount, valid_from, "
        "amortise_years, note) FROM STDIN"
    ) as copy:
        # The hub's own running costs: no published figure, so the synthetic nation assumes
        # ¥3.6bn a year and ¥10 per certificate (the report labels them as assumed).
        start = date(fy - 3, 4, 1)
        copy.write_row(("hub_cost_yearly", "hub", "*", HUB_YEARLY_ASSUMED, start, None, "nation"))
        copy.write_row(
            ("hub_cost_per_issue", "hub", "*", HUB_PER_ISSUE_ASSUMED, start, None, "nation")
        )
        for i, code in enumerate(nation.codes):
            if not nation.participating[i]:
                continue
            pop = int(nation.populations[i])
            start = date(fy - 3, 4, 1)
            copy.write_row(
                ("own_cost_initial", code, "*", 10_000_000 + 30 * pop, start, 5, "nation")
            )
            copy.write_row(
                ("own_cost_yearly", code, "*", 2_000_000 + 8 * pop, start, None, "nation")
            )
            copy.write_row(
                ("kiosk_fee", code, "juminhyo", int(nation.juminhyo_fee[i]), start, None, "nation")
            )


def _without_secondary_indexes(cur: psycopg.Cursor) -> list[str]:
    """Drop billing_event's secondary indexes and constraints; returns how to rebuild them.

    A bulk load into an empty table, then one sort per index, is many times faster than
    maintaining four B-trees row by row. The unique constraint is re-validated when re-added.
    """
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'billing_event'::regclass AND contype = 'u'"
    )
    rebuild = [f'ALTER TABLE billing_event ADD CONSTRAINT "{n}" {d}' for n, d in cur.fetchall()]
    for statement in rebuild:
        cur.execute(f"ALTER TABLE billing_event DROP CONSTRAINT {statement.split()[5]}")
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'billing_event' "
        "AND indexname NOT LIKE 'pk_%'"
    )
    for name, definition in cur.fetchall():
        rebuild.append(definition)
        cur.execute(f'DROP INDEX "{name}"')
    return rebuild


def generate(
    url: str, fy: int, events: int, seed: int, progress: Callable[[str], None] = lambda _s: None
) -> Generated:
    """Write the nation and ``events`` issue events of fiscal year ``fy``; returns the load rate."""
    from centre.database import normalise_url

    dsn = normalise_url(url).replace("postgresql+psycopg", "postgresql")
    nation = build_nation(seed)
    started = time.monotonic()
    with psycopg.connect(dsn) as connection, connection.cursor() as cur:
        _write_municipalities(cur, nation)
        _write_operators_and_tariffs(cur, nation, fy)
        progress(
            f"{len(nation.codes)} municipalities, {int(nation.participating.sum())} taking "
            f"part, {int(nation.populations.sum()):,} people"
        )
        cur.execute("SELECT NOT EXISTS (SELECT 1 FROM billing_event)")
        empty = cur.fetchone()[0]  # type: ignore[index]
        rebuild = _without_secondary_indexes(cur) if empty else []
        written = 0
        with cur.copy(
            "COPY billing_event (request_id, event_type, municipality_code, kiosk_id, "
            "operator_id, channel, certificate_kind, copies, fee_total, "
            "commission_total, occurred_at, accounting_month) FROM STDIN"
        ) as copy:
            for chunk in event_chunks(nation, fy, events, seed):
                copy.write(chunk)
                written += chunk.count("\n")
                progress(f"{written:,} events copied")
        cur.execute("SET maintenance_work_mem = '1GB'")
        for statement in rebuild:
            progress(f"rebuilding: {statement[:60]}…")
            cur.execute(statement)
        cur.execute("ANALYZE billing_event")
    seconds = time.monotonic() - started
    return Generated(len(nation.codes), events, seconds)

"""A synthetic but realistic nation: 1,741 municipalities and a year of issuances, via COPY."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import psycopg

from issuance.codes import with_check_digit

# (class, count, population total, lognormal sigma): the 2020 census mix, ~124M people.
CLASSES = (
    ("designated_city", 20, 27_500_000, 0.45),
    ("special_ward", 23, 9_700_000, 0.6),
    ("core_city", 62, 21_500_000, 0.35),
    ("city", 710, 54_500_000, 0.8),
    ("town", 743, 10_300_000, 0.9),
    ("village", 183, 850_000, 0.9),
)
TAKING_PART = 1_371
SUFFIX = {
    "designated_city": "市",
    "special_ward": "区",
    "core_city": "市",
    "city": "市",
    "town": "町",
    "village": "村",
}
# Operators: (id, name, channel, share of issues, commission per certificate).
OPERATORS = (
    ("N-SEJ", "セブン-イレブン", "store", 0.42, 117),
    ("N-FM", "ファミリーマート", "store", 0.22, 117),
    ("N-LAW", "ローソン", "store", 0.20, 117),
    ("N-MS", "ミニストップ", "store", 0.03, 117),
    ("N-SEI", "セイコーマート", "store", 0.02, 117),
    ("N-HALL", "庁内キオスク端末", "city_hall", 0.09, 0),
    ("N-POST", "郵便局", "post_office", 0.02, 115),
)
KINDS = (("juminhyo", 0.54), ("inkan", 0.20), ("kazei", 0.14), ("koseki", 0.10), ("fuhyo", 0.02))
KIND_FEE_STEP = {"juminhyo": 0, "inkan": 0, "kazei": 0, "koseki": 150, "fuhyo": 0}
# FY months April..March: the March–April moving season peaks.
MONTH_WEIGHT = (1.35, 0.95, 0.95, 0.9, 0.85, 0.85, 0.9, 0.85, 0.8, 0.95, 1.05, 1.6)
WEEKDAY_WEIGHT = (1.1, 1.0, 1.0, 1.0, 1.15, 0.8, 0.6)  # Monday..Sunday
HOUR_WEIGHT = {
    6: 0.2,
    7: 0.8,
    8: 1.6,
    9: 2.2,
    10: 2.4,
    11: 2.3,
    12: 2.5,
    13: 2.2,
    14: 2.0,
    15: 1.9,
    16: 1.8,
    17: 1.9,
    18: 2.0,
    19: 1.6,
    20: 1.1,
    21: 0.7,
    22: 0.4,
}
CHUNK = 500_000


@dataclass(frozen=True)
class Nation:
    codes: list[str]
    names: list[str]
    prefectures: list[str]
    classes: list[str]
    populations: np.ndarray
    participating: np.ndarray
    juminhyo_fee: np.ndarray


@dataclass(frozen=True)
class Generated:
    municipalities: int
    events: int
    seconds: float


def _populations(rng: np.random.Generator, count: int, total: int, sigma: float) -> np.ndarray:
    draws = rng.lognormal(0.0, sigma, count)
    return np.maximum(np.round(draws / draws.sum() * total), 300).astype(np.int64)


def build_nation(seed: int) -> Nation:
    rng = np.random.default_rng(seed)
    next_body = {p: {"city": 201, "rural": 301} for p in range(1, 48)}
    codes, names, prefs, classes, pops = [], [], [], [], []
    seirei_prefs = rng.choice([p for p in range(1, 48) if p != 13], 20, replace=False)
    for klass, count, total, sigma in CLASSES:
        for i, pop in enumerate(_populations(rng, count, total, sigma)):
            if klass == "designated_city":
                pref, body = int(seirei_prefs[i]), f"{int(seirei_prefs[i]):02d}100"
                pop = max(int(pop), 700_000)
            elif klass == "special_ward":
                pref, body = 13, f"13{101 + i:03d}"
            else:
                pref = int(rng.integers(1, 48))
                slot = "city" if klass in ("core_city", "city") else "rural"
                body = f"{pref:02d}{next_body[pref][slot]:03d}"
                next_body[pref][slot] += 1
            klass_out = "designated_city_1m" if klass == "designated_city" and pop >= 1e6 else klass
            codes.append(with_check_digit(body, "municipality"))
            names.append(f"合成{len(codes):04d}{SUFFIX[klass]}")
            prefs.append(f"県{pref:02d}")
            classes.append(klass_out)
            pops.append(int(pop))
    populations = np.array(pops)
    # Those staying out are mostly small towns and villages (cost); weighted draw without
    # replacement via exponential keys.
    weight = np.array([{"village": 6.0, "town": 3.0, "city": 0.6}.get(c, 0.0) for c in classes])
    weight = weight * (populations < 60_000)
    keys = np.where(weight > 0, rng.exponential(1.0, len(codes)) / np.maximum(weight, 1e-9), np.inf)
    out = np.argsort(keys)[: len(codes) - TAKING_PART]
    participating = np.ones(len(codes), dtype=bool)
    participating[out] = False
    fee = rng.choice([10, 100, 150, 200, 200, 200, 250, 300], len(codes))
    return Nation(codes, names, prefs, classes, populations, participating, fee)


def _fiscal_days(fy: int) -> tuple[list[date], np.ndarray]:
    days = [
        date(fy, 4, 1) + timedelta(n) for n in range((date(fy + 1, 4, 1) - date(fy, 4, 1)).days)
    ]
    weight = np.array(
        [
            0.0
            if (d.month, d.day) in ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))
            else MONTH_WEIGHT[(d.month - 4) % 12] * WEEKDAY_WEIGHT[d.weekday()]
            for d in days
        ]
    )
    return days, weight / weight.sum()


def _event_counts(rng: np.random.Generator, nation: Nation, events: int) -> np.ndarray:
    """Events per municipality: population × a per-capita propensity that varies widely."""
    propensity = rng.lognormal(0.0, 0.6, len(nation.codes))
    expected = nation.populations * propensity * nation.participating
    return rng.multinomial(events, expected / expected.sum())


def _event_chunks(nation: Nation, fy: int, events: int, seed: int) -> Iterator[str]:
    """The COPY text of the year's issue events, CHUNK rows at a time."""
    rng = np.random.default_rng(seed + 1)
    counts = _event_counts(rng, nation, events)
    munis = np.repeat(np.arange(len(nation.codes)), counts)
    days, day_p = _fiscal_days(fy)
    day_text = [d.isoformat() for d in days]
    month_text = [d.strftime("%Y-%m") for d in days]
    hours = np.array(list(HOUR_WEIGHT))
    hour_p = np.array(list(HOUR_WEIGHT.values())) / sum(HOUR_WEIGHT.values())
    op_p = np.array([o[3] for o in OPERATORS])
    op_ids = [o[0] for o in OPERATORS]
    op_text = [f"{o[0]}\t{o[2]}" for o in OPERATORS]
    op_commission = np.array([o[4] for o in OPERATORS])
    kind_names = [k for k, _ in KINDS]
    kind_step = np.array([KIND_FEE_STEP[k] for k in kind_names])
    for start in range(0, len(munis), CHUNK):
        m = munis[start : start + CHUNK]
        n = len(m)
        day = rng.choice(len(days), n, p=day_p)
        hour = rng.choice(hours, n, p=hour_p)
        minute, second = rng.integers(0, 60, n), rng.integers(0, 60, n)
        op = rng.choice(len(OPERATORS), n, p=op_p)
        kind = rng.choice(len(KINDS), n, p=[p for _, p in KINDS])
        copies = rng.choice([1, 2, 3], n, p=[0.9, 0.08, 0.02])
        fee = (nation.juminhyo_fee[m] + kind_step[kind]) * copies
        commission = op_commission[op] * copies
        kiosk = rng.integers(0, 40, n)
        rows = zip(
            m.tolist(),
            day.tolist(),
            hour.tolist(),
            minute.tolist(),
            second.tolist(),
            op.tolist(),
            kind.tolist(),
            copies.tolist(),
            fee.tolist(),
            commission.tolist(),
            kiosk.tolist(),
            strict=True,
        )
        codes = nation.codes
        yield "".join(
            f"n{seed:x}-{start + i:011x}\tissue\t{codes[mi]}\t{op_ids[o]}{k:02d}-{codes[mi]}"
            f"\t{op_text[o]}\t{kind_names[ki]}\t{c}\t{f}\t{cm}\t{day_text[d]} {h:02d}:{mi_:02d}:"
            f"{s:02d}+09\t{month_text[d]}\n"
            for i, (mi, d, h, mi_, s, o, ki, c, f, cm, k) in enumerate(rows)
        )


def _write_municipalities(cur: psycopg.Cursor, nation: Nation, fy: int) -> None:
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
    from kiosk_api.database import normalise_url

    dsn = normalise_url(url).replace("postgresql+psycopg", "postgresql")
    nation = build_nation(seed)
    started = time.monotonic()
    with psycopg.connect(dsn) as connection, connection.cursor() as cur:
        _write_municipalities(cur, nation, fy)
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
            for chunk in _event_chunks(nation, fy, events, seed):
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

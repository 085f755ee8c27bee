"""The synthetic nation itself: municipalities and a year of issue events (numpy, no database)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

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


@dataclass(frozen=True)
class _Draws:
    """Lookup tables shared by every chunk of events."""

    days: list[str]
    months: list[str]
    day_p: np.ndarray
    hours: np.ndarray
    hour_p: np.ndarray
    op_p: np.ndarray
    op_ids: list[str]
    op_text: list[str]
    op_commission: np.ndarray
    kind_names: list[str]
    kind_step: np.ndarray


def _draws(fy: int) -> _Draws:
    days, day_p = _fiscal_days(fy)
    kind_names = [k for k, _ in KINDS]
    return _Draws(
        [d.isoformat() for d in days],
        [d.strftime("%Y-%m") for d in days],
        day_p,
        np.array(list(HOUR_WEIGHT)),
        np.array(list(HOUR_WEIGHT.values())) / sum(HOUR_WEIGHT.values()),
        np.array([o[3] for o in OPERATORS]),
        [o[0] for o in OPERATORS],
        [f"{o[0]}\t{o[2]}" for o in OPERATORS],
        np.array([o[4] for o in OPERATORS]),
        kind_names,
        np.array([KIND_FEE_STEP[k] for k in kind_names]),
    )


def _chunk_text(
    rng: np.random.Generator, nation: Nation, t: _Draws, m: np.ndarray, start: int, seed: int
) -> str:
    """COPY text for the events of municipalities ``m`` (row numbers from ``start``)."""
    n = len(m)
    day = rng.choice(len(t.days), n, p=t.day_p)
    hour = rng.choice(t.hours, n, p=t.hour_p)
    minute, second = rng.integers(0, 60, n), rng.integers(0, 60, n)
    op = rng.choice(len(OPERATORS), n, p=t.op_p)
    kind = rng.choice(len(KINDS), n, p=[p for _, p in KINDS])
    copies = rng.choice([1, 2, 3], n, p=[0.9, 0.08, 0.02])
    fee = (nation.juminhyo_fee[m] + t.kind_step[kind]) * copies
    commission = t.op_commission[op] * copies
    kiosk = rng.integers(0, 40, n)
    columns = (m, day, hour, minute, second, op, kind, copies, fee, commission, kiosk)
    rows = zip(*(c.tolist() for c in columns), strict=True)
    codes = nation.codes
    return "".join(
        f"n{seed:x}-{start + i:011x}\tissue\t{codes[mi]}\t{t.op_ids[o]}{k:02d}-{codes[mi]}"
        f"\t{t.op_text[o]}\t{t.kind_names[ki]}\t{c}\t{f}\t{cm}\t{t.days[d]} {h:02d}:{mi_:02d}:"
        f"{s:02d}+09\t{t.months[d]}\n"
        for i, (mi, d, h, mi_, s, o, ki, c, f, cm, k) in enumerate(rows)
    )


def event_chunks(nation: Nation, fy: int, events: int, seed: int) -> Iterator[str]:
    """The COPY text of the year's issue events, CHUNK rows at a time."""
    rng = np.random.default_rng(seed + 1)
    counts = _event_counts(rng, nation, events)
    munis = np.repeat(np.arange(len(nation.codes)), counts)
    tables = _draws(fy)
    for start in range(0, len(munis), CHUNK):
        yield _chunk_text(rng, nation, tables, munis[start : start + CHUNK], start, seed)

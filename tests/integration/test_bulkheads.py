"""One slow municipality must never slow the nation: BCL issuances/s with an own server
trickling, dawdling or flooding, against the same kiosks with it healthy, in the production
shape.

gunicorn 2 x 8, PostgreSQL, Redis, one `kofu worker --queue bcl` and one `--queue own`, and
横浜市's reference server behind municipal_server/faulty.py. BCL kiosks issue 住民票 in a
closed loop; 横浜市 kiosks keep asking for 印鑑登録証明書 (its pre-check holds a web thread
for the whole call) and 住民票 (its render fetches from the server). Each phase counts the
BCL documents printed in it. Healthy and faulty phases alternate (healthy, trickle, healthy,
slow, healthy, huge answer, in cycles) so that a change in the machine's load falls on both;
the BCL rate in each fault's phases over the rate in the healthy ones must stay >= 0.9, and
/healthz must answer all along. The bounded default runs 1 cycle of 6 s phases (under 2 min
with start-up); KOFU_BULKHEAD_CYCLES=4 KOFU_BULKHEAD_PHASE_SECONDS=15 measure longer, steadier.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy import update

from centre.bootstrap import Platform, bootstrap
from centre.settings import load_settings
from issuance.ports import RenderLane
from issuance.sessions.credentials import register_kiosk
from kiosk_terminal import headless
from kiosk_terminal.centre_client import CentreClient
from municipal_server.faulty import FaultyServer
from municipal_server.server import create_reference_app, load_extract, open_database
from municipalities.model import Municipality
from municipalities.tls import make_test_pki, server_files
from tests.conftest import prepare
from tests.support.services import (
    centre_process,
    copy_cards,
    production_env,
    wait_for_workers,
    worker_process,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
YOKOHAMA = "141003"
BCL_KIOSKS = 6
OWN_KIOSKS = 12  # each tries every OWN_EVERY_S: up to 12 calls held by a trickling server
OWN_EVERY_S = 2.0
PHASE_S = float(os.environ.get("KOFU_BULKHEAD_PHASE_SECONDS") or 6)
CYCLES = int(os.environ.get("KOFU_BULKHEAD_CYCLES") or 1)
SETTLE_S = 1.0  # after a change of fault, before counting
TIMEOUT_S = 3.0  # 横浜市's timeout_seconds
COOLDOWN_S = 2.0  # a short breaker cooldown: each phase sees its own fault, not the last one's
# (mode, gap): healthy; 1 byte every 2 s (inside any per-read timeout); 2.5 s in four pieces;
# 200 MB of answer (refused at the 4 MB cap)
HEALTHY, TRICKLE, SLOW, HUGE = ("none", 0.0), ("trickle", 2.0), ("slow", 0.625), ("huge", 0.0)
FAULTS = {"trickle": TRICKLE, "slow": SLOW, "huge": HUGE}


@dataclass
class Shape:
    platform: Platform
    env: dict[str, str]
    tokens: list[str]
    server: FaultyServer


@pytest.fixture
def shape(
    demo_template: Path, tmp_path: Path, postgres_url: str, redis_url: str
) -> Iterator[Shape]:
    data_dir = tmp_path / "data"
    copy_cards(demo_template, data_dir)
    pki = make_test_pki(data_dir / "municipal-tls")
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    env = {
        **os.environ,
        **production_env(data_dir, postgres_url, redis_url),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    settings = load_settings(env)
    prepare(settings, BCL_KIOSKS)
    records = open_database(tmp_path / "yokohama.sqlite3", YOKOHAMA)
    load_extract(records, YOKOHAMA, data_dir / "demo" / "municipal" / f"{YOKOHAMA}.json")
    server = FaultyServer(
        create_reference_app(records, YOKOHAMA), "127.0.0.1", 0, server_files(pki)
    ).start()
    server.flood_bytes = 200 * 1024 * 1024
    platform = bootstrap(settings)
    with platform.uow() as uow:
        uow.session.execute(
            update(Municipality)
            .where(Municipality.code == YOKOHAMA)
            .values(
                backend_settings={
                    "url": server.url,
                    "timeout_seconds": TIMEOUT_S,
                    "breaker_cooldown_seconds": COOLDOWN_S,
                }
            )
        )
        tokens = [
            register_kiosk(uow, settings.kiosk_key_pepper, f"B{i:04d}", "seven", f"店 {i}号")
            for i in range(BCL_KIOSKS + OWN_KIOSKS)
        ]
    yield Shape(platform, env, tokens, server)
    for lane in RenderLane:
        platform.queue.lane(lane).empty()  # type: ignore[attr-defined]
    platform.close()
    server.shutdown()
    server.server_close()
    records.dispose()


@dataclass
class Traffic:
    """Kiosks in closed loops until ``stop``; BCL prints by completion time."""

    url: str
    out: Path
    stop: threading.Event = field(default_factory=threading.Event)
    printed: list[float] = field(default_factory=list)
    bcl_refused: list[str] = field(default_factory=list)
    own_outcomes: list[str] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)

    def bcl_kiosk(self, token: str, card: Path) -> None:
        client, pin = CentreClient(self.url, token, timeout=30), _pin(card)
        while not self.stop.is_set():
            outcome = self._issue(client, card, pin, "juminhyo", {"members": "all"})
            if outcome.ok:
                self.printed.append(time.monotonic())
            else:
                self.bcl_refused.append(outcome.code)

    def own_kiosk(self, token: str, card: Path) -> None:
        """印鑑登録証明書, every OWN_EVERY_S whatever the answer: the same pressure in every
        phase (its pre-check holds a web thread, its render an own-lane worker)."""
        client, pin = CentreClient(self.url, token, timeout=30), _pin(card)
        while not self.stop.is_set():
            started = time.monotonic()
            self.own_outcomes.append(self._issue(client, card, pin, "inkan", {}).code)
            self.stop.wait(max(0.0, OWN_EVERY_S - (time.monotonic() - started)))

    def _issue(
        self, client: CentreClient, card: Path, pin: str, kind: str, options: dict[str, object]
    ) -> headless.Outcome:
        out = self.out / f"{threading.get_ident()}.pdf"
        try:
            return headless.issue(client, card, pin, kind, options, out, say=lambda _: None)
        except requests.RequestException as exc:  # e.g. a ReadTimeout: counted as a refusal
            return headless.Outcome(False, type(exc).__name__, "", "")

    def health(self) -> None:
        while not self.stop.wait(0.5):
            try:
                answer = requests.get(self.url + "/healthz", timeout=2)
                if answer.status_code != 200:
                    self.health_failures.append(str(answer.status_code))
            except requests.RequestException as exc:
                self.health_failures.append(type(exc).__name__)

    def calls(self) -> dict[str, int]:
        """横浜市's server calls so far, by outcome (every process's, from /metrics)."""
        text = requests.get(self.url + "/metrics", timeout=10).text
        found: dict[str, int] = {}
        for line in text.splitlines():
            if line.startswith("kofu_backend_latency_seconds_count") and YOKOHAMA in line:
                outcome = line.split('outcome="')[1].split('"')[0]
                found[outcome] = found.get(outcome, 0) + int(float(line.rsplit(" ", 1)[1]))
        return found


def _pin(card: Path) -> str:
    return str(json.loads(card.read_text())["pin"])


def test_a_trickling_slow_or_flooding_own_server_leaves_bcl_throughput_and_healthz_alone(
    shape: Shape, tmp_path: Path
) -> None:
    cards = shape.platform.settings.data_dir / "demo" / "cards"
    (tmp_path / "printed").mkdir()
    with (
        centre_process(
            shape.env, tmp_path / "serve.log", "--workers", "2", "--threads", "8"
        ) as url,
        worker_process(shape.env, tmp_path / "bcl.log", "--queue", "bcl"),
        worker_process(shape.env, tmp_path / "own.log", "--queue", "own"),
    ):
        queue = shape.platform.queue
        wait_for_workers(queue.lane(RenderLane.BCL), 1)  # type: ignore[attr-defined]
        wait_for_workers(queue.lane(RenderLane.OWN_SERVER), 1)  # type: ignore[attr-defined]
        traffic = Traffic(url, tmp_path / "printed")
        kiosks = [
            threading.Thread(
                target=traffic.bcl_kiosk,
                args=(shape.tokens[i], cards / "extra" / f"extra-{i:04d}.json"),
            )
            for i in range(BCL_KIOSKS)
        ] + [
            threading.Thread(
                target=traffic.own_kiosk,
                args=(shape.tokens[BCL_KIOSKS + i], cards / "kobayashi-yui.json"),
            )
            for i in range(OWN_KIOSKS)
        ]
        for kiosk in [*kiosks, threading.Thread(target=traffic.health)]:
            kiosk.start()
        seconds: dict[str, float] = {}
        printed: dict[str, int] = {}
        calls: list[tuple[str, dict[str, int]]] = []
        phases = [("warm-up", HEALTHY)] + [
            phase
            for _ in range(CYCLES)
            for fault in FAULTS.items()
            for phase in (("healthy", HEALTHY), fault)
        ]
        try:
            for name, (mode, gap) in phases:
                shape.server.mode, shape.server.gap = mode, gap
                time.sleep(SETTLE_S)
                before, started = len(traffic.printed), time.monotonic()
                time.sleep(PHASE_S)
                seconds[name] = seconds.get(name, 0.0) + time.monotonic() - started
                printed[name] = printed.get(name, 0) + len(traffic.printed) - before
                calls.append((name, traffic.calls()))
        finally:
            traffic.stop.set()
            for kiosk in kiosks:
                kiosk.join(timeout=60)
    rates = {name: printed[name] / seconds[name] for name in seconds}
    report = {
        name: f"{printed[name]} in {seconds[name]:.0f} s = {rates[name]:.2f}/s" for name in rates
    }
    print(f"BCL prints by phase: {report}; own-server kiosks: {_tally(traffic)}")
    print(f"横浜市 server calls by outcome, cumulative at each phase's end: {calls}")
    assert rates["healthy"] > 0, report
    assert traffic.bcl_refused == [], traffic.bcl_refused
    assert traffic.health_failures == [], traffic.health_failures
    for fault in FAULTS:
        assert rates[fault] / rates["healthy"] >= 0.9, (fault, report)


def _tally(traffic: Traffic) -> dict[str, int]:
    tally: dict[str, int] = {}
    for code in traffic.own_outcomes:
        tally[code] = tally.get(code, 0) + 1
    return tally

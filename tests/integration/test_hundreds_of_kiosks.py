"""Two hundred kiosks at once over real HTTP, and a render worker killed in the middle.

The production shape: gunicorn (`kofu serve`), PostgreSQL, Redis and `kofu worker`
processes, with each kiosk running the kiosk program's own client (`kiosk_terminal`). One
worker is SIGKILLed while the queue is full and a new one takes its place, as a supervisor
would start it. Every kiosk must print its own resident's document and nobody else's, be
charged once, and leave nothing behind at the centre.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from billing.model import BillingEvent, EventType
from centre.bootstrap import Platform, bootstrap
from centre.settings import load_settings
from issuance.model import CertificateRequest, Document, RequestState
from issuance.sessions.credentials import register_kiosk
from kiosk_terminal import headless
from kiosk_terminal.centre_client import CentreClient
from tests.conftest import prepare
from tests.support.pdf import named_residents
from tests.support.services import (
    centre_process,
    copy_cards,
    production_env,
    wait_for_workers,
    worker_process,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
KIOSKS = 200


@pytest.fixture
def nation(
    demo_template: Path, tmp_path: Path, postgres_url: str, redis_url: str
) -> Iterator[tuple[Platform, dict[str, str], list[str]]]:
    """A database with 200 residents who each hold a card, and 200 kiosks of their own."""
    data_dir = tmp_path / "data"
    copy_cards(demo_template, data_dir)
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    env = {
        **os.environ,
        **production_env(data_dir, postgres_url, redis_url),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    settings = load_settings(env)
    prepare(settings, KIOSKS)
    platform = bootstrap(settings)
    with platform.uow() as uow:
        tokens = [
            register_kiosk(uow, settings.kiosk_key_pepper, f"T{i:04d}", "seven", f"テスト店 {i}号")
            for i in range(KIOSKS)
        ]
    yield platform, env, tokens
    platform.queue.queue.empty()
    platform.close()


def _count(platform: Platform, query) -> int:  # type: ignore[no-untyped-def]
    with platform.uow() as uow:
        return int(uow.session.scalar(query) or 0)


def test_two_hundred_kiosks_each_print_only_their_own_residents_document_through_a_crash(
    nation: tuple[Platform, dict[str, str], list[str]], tmp_path: Path
) -> None:
    platform, env, tokens = nation
    cards = platform.settings.data_dir / "demo" / "cards" / "extra"
    outcomes: dict[int, headless.Outcome] = {}
    errors: list[str] = []
    go = threading.Event()

    def kiosk(i: int) -> None:
        card = cards / f"extra-{i:04d}.json"
        pin = json.loads(card.read_text())["pin"]
        client = CentreClient(url, tokens[i], timeout=30)
        go.wait()
        try:
            outcomes[i] = headless.issue(
                client,
                card,
                pin,
                "juminhyo",
                {"members": "all"},
                tmp_path / "printed" / f"{i:04d}.pdf",
                say=lambda _line: None,
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(f"kiosk {i}: {exc!r}")

    ready = select(func.count()).where(
        CertificateRequest.state.in_(
            [RequestState.READY, RequestState.DELIVERED, RequestState.PRINTED]
        )
    )
    with (
        centre_process(env, tmp_path / "serve.log", "--workers", "2", "--threads", "8") as url,
        worker_process(env, tmp_path / "doomed.log") as doomed,
        worker_process(env, tmp_path / "steady.log"),
    ):
        wait_for_workers(platform.queue.queue, 2)
        threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(KIOSKS)]
        for thread in threads:
            thread.start()
        go.set()
        deadline = time.monotonic() + 120
        while _count(platform, ready) < KIOSKS // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        doomed.kill()  # SIGKILL with the queue full: whatever it was rendering is cut off
        doomed.wait()
        assert _count(platform, ready) < KIOSKS, "the worker died after the work was done"
        with worker_process(env, tmp_path / "replacement.log"):
            for thread in threads:
                thread.join(timeout=240)

    assert errors == [], "\n".join(errors)
    refused = {i: o.code for i, o in outcomes.items() if not o.ok}
    assert refused == {} and len(outcomes) == KIOSKS
    for i in range(KIOSKS):
        pdf = (tmp_path / "printed" / f"{i:04d}.pdf").read_bytes()
        assert named_residents(pdf) == {f"{i:04d}"}, f"kiosk {i} printed someone else's document"
    charged = select(func.count()).where(BillingEvent.event_type == EventType.ISSUE)
    assert _count(platform, charged) == KIOSKS  # each printed once, charged once
    not_printed = select(func.count()).where(CertificateRequest.state != RequestState.PRINTED)
    assert _count(platform, not_printed) == 0
    assert _count(platform, select(func.count()).select_from(Document)) == 0  # nothing left behind

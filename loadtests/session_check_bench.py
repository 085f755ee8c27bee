"""What checking a session again on every kiosk call costs: statements and CPU per call.

    .venv/bin/python loadtests/session_check_bench.py [CALLS_PER_BATCH] [DATABASE_URL]

Loads the demo (SQLite in a temporary directory unless a URL is given), signs 山田太郎 in at
a test kiosk over the Flask test client, has a 住民票 rendered, then calls the menu, the
household list and a poll of the ready request, in alternating batches "before" (the
re-check replaced by what the calls did before it: the session and resident looked up, the
poll not even that) and "after" (the code as it is). Prints, as JSON, the SQL statements per
call (kiosk credential check included) and the CPU per call (process time, median of the
batches) with the ratio after/before, and the card certificate check alone. No assertion:
the machine is shared, figures move.
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import event

from centre.bootstrap import Platform, bootstrap
from centre.database import upgrade
from centre.settings import load_settings
from demo.loader import load_demo
from issuance import services, session_checks
from issuance.index.model import Resident
from issuance.refusals import RefusalError
from issuance.sessions.jpki import verify_card_certificate
from issuance.sessions.kiosks import KioskSession, SessionError
from kiosk_api.app import create_app
from kiosk_terminal.jpki import JpkiCard
from kiosk_terminal.virtual_card import VirtualCard

ROUNDS = 8


def _session_as_before(
    uow: Any, trust: Any, kiosk_id: str, session_id: str, now: Any
) -> tuple[KioskSession, Resident]:
    """What a call did before the re-check: the session and its resident, looked up."""
    session = uow.session.get(KioskSession, session_id)
    if session is None:
        raise SessionError("SESSION_NOT_FOUND", "", "")
    resident = uow.session.get(Resident, session.require_resident(kiosk_id, now))
    if resident is None:
        raise RefusalError("NO_RECORD")
    return session, resident


def _poll_as_before(uow: Any, trust: Any, kiosk_id: str, session_id: str, rid: str, now: Any):  # type: ignore[no-untyped-def]
    return services.load_request(uow, kiosk_id, session_id, rid)


@contextmanager
def before() -> Iterator[None]:
    with (
        mock.patch.object(session_checks, "checked_session", _session_as_before),
        mock.patch.object(services, "poll_request", _poll_as_before),
    ):
        yield


def platform_with_demo(url: str | None, root: Path) -> tuple[Platform, dict[str, str]]:
    env = {"KOFU_DATA_DIR": str(root)}
    if url:
        env["KOFU_DATABASE_URL"] = url
    settings = load_settings(env)
    upgrade(settings.database_url)
    loader = bootstrap(settings, jobs=False)
    with loader.uow() as uow:
        load_demo(uow, settings.data_dir, settings.pki_dir, settings.kiosk_key_pepper, 0)
    loader.engine.dispose()
    return bootstrap(settings), json.loads((root / "demo" / "kiosks.json").read_text())


def signed_in(platform: Platform, token: str) -> tuple[Any, dict[str, str], str, str]:
    """山田太郎 signed in at the kiosk, with a 住民票 of his ready: (client, headers, sid, rid)."""
    client = create_app(platform=platform).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    card = JpkiCard(VirtualCard.load(platform.settings.data_dir / "demo/cards/yamada-taro.json"))
    card.select_application()
    der = card.read_user_certificate()
    card.verify_pin("1234")
    body = {"certificate": base64.b64encode(der).decode()}
    opened = client.post("/v1/sessions", json=body, headers=headers).json
    sid = opened["session_id"]
    signature = card.sign_challenge(base64.b64decode(opened["challenge"]), der)
    body = {"signature": base64.b64encode(signature).decode()}
    assert client.post(f"/v1/sessions/{sid}/authenticate", json=body, headers=headers).json
    body = {"certificate": "juminhyo", "options": {"members": "self"}, "copies": 1}
    body["idempotency_key"] = "session-check-bench"
    ready = client.post(f"/v1/sessions/{sid}/requests?wait=20", json=body, headers=headers).json
    assert ready["state"] == "ready", ready
    return client, headers, sid, ready["request_id"]


def per_call(platform: Platform, call: Callable[[], Any], calls: int) -> tuple[float, float]:
    """(statements, CPU microseconds) per call, over ``calls`` calls."""
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(platform.engine, "before_cursor_execute", count)
    try:
        started = time.process_time()
        for _ in range(calls):
            response = call()
            assert response.status_code == 200, response.json
        cpu = time.process_time() - started
    finally:
        event.remove(platform.engine, "before_cursor_execute", count)
    return statements / calls, cpu / calls * 1e6


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    url = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as directory:
        platform, tokens = platform_with_demo(url, Path(directory))
        client, headers, sid, rid = signed_in(platform, tokens["K0001"])
        paths = {
            "menu": f"/v1/sessions/{sid}/menu",
            "household": f"/v1/sessions/{sid}/household",
            "poll": f"/v1/sessions/{sid}/requests/{rid}",
        }
        result: dict[str, Any] = {"calls_per_batch": calls, "rounds": ROUNDS}
        for name, path in paths.items():
            samples: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
            for round_ in range(ROUNDS):
                for side in ("before", "after") if round_ % 2 else ("after", "before"):
                    with before() if side == "before" else nullcontext():
                        samples[side].append(
                            per_call(platform, lambda p=path: client.get(p, headers=headers), calls)
                        )
            row = {
                side: {
                    "statements": statistics.median(s for s, _ in values),
                    "cpu_us": round(statistics.median(c for _, c in values)),
                }
                for side, values in samples.items()
            }
            row["cpu_ratio_after_before"] = round(
                row["after"]["cpu_us"] / row["before"]["cpu_us"], 3
            )
            result[name] = row
        der = VirtualCard.load(platform.settings.data_dir / "demo/cards/yamada-taro.json")
        now = datetime.now(UTC)
        started = time.process_time()
        for _ in range(calls * 10):  # the same card, as a session checks it
            verify_card_certificate(der.certificate, platform.trust, now)
        result["card_certificate_check_us"] = round(
            (time.process_time() - started) / (calls * 10) * 1e6, 1
        )
        platform.queue.drain()
        platform.close()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

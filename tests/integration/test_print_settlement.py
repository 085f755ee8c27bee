"""Every state has an exit, every deadline is kept where it is used (SQLite and PostgreSQL).

A document past its TTL is refused at download before any sweeper ran; a session past its
deadline refuses polls and downloads, but a paper already downloaded is still confirmed; a
kiosk that crashed after the download leaves its request ``unconfirmed`` (verified as such,
not as forged), settled by its late report or by the operator's print log.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import select

from billing.model import BillingEvent, EventType
from centre.bootstrap import Platform, bootstrap
from centre.database import alembic_config
from centre.settings import load_settings
from cli.main import main
from issuance.calendar import JST
from issuance.model import CertificateRequest, Document
from issuance.sweeper import SweepPolicy, sweep
from kiosk_api.app import create_app
from tests.conftest import FakeClock, prepare
from tests.support.kiosk import TestKiosk
from tests.support.services import copy_cards

YAMADA = "yamada-taro.json"  # 千代田区, signs in at K0001 (セブン-イレブン, operator "seven")


@pytest.fixture(params=["sqlite", "postgresql"])
def centre(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[Platform]:
    data_dir = tmp_path / "data"
    env = {"KOFU_DATA_DIR": str(data_dir)}
    if request.param == "sqlite":
        shutil.copytree(demo_template, data_dir)
    else:
        copy_cards(demo_template, data_dir)
        env["KOFU_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        prepare(load_settings(env), extra=4)
    platform = bootstrap(load_settings(env), clock=clock)
    yield platform
    platform.queue.drain()
    platform.close()


@pytest.fixture
def desk(centre: Platform) -> TestKiosk:
    tokens = centre.settings.data_dir / "demo" / "kiosks.json"
    token = json.loads(tokens.read_text())["K0001"]
    return TestKiosk(create_app(platform=centre).test_client(), token)


def ready(desk: TestKiosk, cards: Path) -> str:
    assert desk.sign_in(cards / YAMADA).status_code == 200
    request_id = desk.request().json["request_id"]
    assert desk.wait(request_id)["state"] == "ready"
    return request_id


def stored(centre: Platform, request_id: str) -> CertificateRequest:
    with centre.uow() as uow:
        request = uow.session.get(CertificateRequest, request_id)
        assert request is not None
        return request


def issues(centre: Platform) -> list[BillingEvent]:
    with centre.uow() as uow:
        return list(
            uow.session.scalars(
                select(BillingEvent).where(BillingEvent.event_type == EventType.ISSUE)
            )
        )


def verified(desk: TestKiosk, pdf: bytes) -> dict:
    from issuance.authenticity.register import token_in_pdf

    return desk.client.get("/api/verify", query_string={"t": token_in_pdf(pdf)}).json


def test_a_document_past_its_ttl_is_refused_at_download_before_any_sweep(
    centre: Platform, desk: TestKiosk, clock: FakeClock
) -> None:
    request_id = ready(desk, centre.settings.data_dir / "demo" / "cards")
    clock.advance(centre.settings.document_ttl_seconds)
    refused = desk.call("GET", desk.path(request_id, "/document"))
    assert (refused.status_code, refused.json["error"]["code"]) == (410, "DOCUMENT_EXPIRED")
    assert stored(centre, request_id).state.value == "expired"
    with centre.uow() as uow:
        assert uow.session.get(Document, request_id) is None


def test_after_the_sessions_deadline_polls_and_downloads_are_refused_not_confirmations(
    centre: Platform, desk: TestKiosk, clock: FakeClock
) -> None:
    cards = centre.settings.data_dir / "demo" / "cards"
    printed_id = ready(desk, cards)
    assert desk.call("GET", desk.path(printed_id, "/document")).status_code == 200
    waiting = desk.request().json["request_id"]
    assert desk.wait(waiting)["state"] == "ready"
    clock.advance(centre.settings.session_ttl_seconds)
    for path in (desk.path(waiting), desk.path(waiting, "/document")):
        refused = desk.call("GET", path)
        assert (refused.status_code, refused.json["error"]["code"]) == (410, "SESSION_EXPIRED")
    assert stored(centre, waiting).failure_code == "SESSION_EXPIRED"  # its PDF deleted now
    with centre.uow() as uow:
        assert uow.session.get(Document, waiting) is None
    # The first paper exists: its print is still recorded, and charged once.
    confirmed = desk.call("POST", desk.path(printed_id, "/confirmation"), {"result": "printed"})
    assert confirmed.status_code == 200 and confirmed.json["state"] == "printed"
    assert [e.request_id for e in issues(centre)] == [printed_id]


def crashed(centre: Platform, desk: TestKiosk, clock: FakeClock) -> tuple[str, bytes]:
    """A kiosk that downloaded, printed (or not) and died before confirming; swept later."""
    request_id = ready(desk, centre.settings.data_dir / "demo" / "cards")
    pdf = desk.call("GET", desk.path(request_id, "/document")).data
    clock.advance(31 * 60)
    with centre.uow() as uow:
        assert sweep(uow, centre.queue, SweepPolicy(), centre.now()).unconfirmed == 1
    assert stored(centre, request_id).state.value == "unconfirmed"
    assert issues(centre) == []  # not billed until settled
    return request_id, pdf


def test_a_crash_after_download_ends_unconfirmed_and_verifies_truthfully(
    centre: Platform, desk: TestKiosk, clock: FakeClock
) -> None:
    _, pdf = crashed(centre, desk, clock)
    result = verified(desk, pdf)
    assert (result["genuine"], result["status"]) == (False, "unconfirmed")
    from issuance.authenticity.register import token_in_pdf

    page = desk.client.get("/verify", query_string={"t": token_in_pdf(pdf)}).get_data(True)
    assert "照合中" in page and "偽造" not in page and "有効な証明書ではありません" not in page


def test_the_kiosks_late_report_after_a_restart_is_billed_once_at_the_download(
    centre: Platform, desk: TestKiosk, clock: FakeClock
) -> None:
    request_id, pdf = crashed(centre, desk, clock)
    for _ in range(2):  # the journal replays it
        late = desk.call("POST", desk.path(request_id, "/confirmation"), {"result": "printed"})
        assert late.status_code == 200 and late.json["state"] == "printed"
    [event] = issues(centre)
    assert event.occurred_at == stored(centre, request_id).delivered_at
    assert verified(desk, pdf)["status"] == "issued"


def test_the_operators_print_log_settles_it_once_whatever_its_encoding(
    centre: Platform, desk: TestKiosk, clock: FakeClock, tmp_path: Path
) -> None:
    request_id, pdf = crashed(centre, desk, clock)
    with centre.uow() as uow:  # downloaded 4 days ago: past the kiosk's grace (the CLI's
        stale = uow.session.get(CertificateRequest, request_id)  # clock is the real one)
        assert stale is not None and stale.delivered_at is not None
        stale.delivered_at -= timedelta(days=4)
        uow.commit()
    late = desk.call("POST", desk.path(request_id, "/confirmation"), {"result": "printed"})
    assert late.json["error"]["code"] == "CONFIRMATION_TOO_LATE"
    request = stored(centre, request_id)
    assert request.delivered_at is not None
    at = (request.delivered_at + timedelta(minutes=2)).astimezone(JST).replace(tzinfo=None)
    log = tmp_path / "セブン印刷記録.csv"
    log.write_bytes(
        f"kiosk_id,serial,result,printed_at\nK0001,{request.serial},printed,{at.isoformat()}\n".encode(
            "cp932"
        )
    )
    env = {
        "KOFU_DATA_DIR": str(centre.settings.data_dir),
        "KOFU_DATABASE_URL": centre.settings.database_url,
    }
    listed = CliRunner().invoke(main, ["reconcile", "list", "--operator", "seven"], env=env)
    assert request.serial in listed.output and "unconfirmed" in listed.output
    wrong = CliRunner().invoke(
        main, ["reconcile", "apply", "--operator", "lawson", str(log)], env=env
    )
    assert wrong.exit_code == 2 and "OTHER_OPERATOR" in wrong.output
    for expected in ("printed (billed once): 1", "already settled the same way: 1"):
        applied = CliRunner().invoke(
            main, ["reconcile", "apply", "--operator", "seven", str(log)], env=env
        )
        assert applied.exit_code == 0 and expected in applied.output, applied.output
    [event] = issues(centre)
    assert event.occurred_at == at.replace(tzinfo=JST)
    assert verified(desk, pdf)["status"] == "issued"


def test_migration_0012_goes_down_and_up_again(centre: Platform) -> None:
    config = alembic_config(centre.settings.database_url)
    command.downgrade(config, "0011_held_document_subjects")
    command.upgrade(config, "head")


def test_a_confirmation_in_progress_is_not_marked_unconfirmed_under_it(
    centre: Platform, desk: TestKiosk, clock: FakeClock
) -> None:
    if not centre.settings.database_url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL")
    request_id = ready(desk, centre.settings.data_dir / "demo" / "cards")
    assert desk.call("GET", desk.path(request_id, "/document")).status_code == 200
    clock.advance(31 * 60)
    with centre.uow() as confirming:  # a confirmation holding the row, not yet committed
        assert confirming.requests.get(request_id, for_update=True) is not None
        with centre.uow() as uow:
            assert sweep(uow, centre.queue, SweepPolicy(), centre.now()).unconfirmed == 0
    with centre.uow() as uow:  # released: the next pass takes it
        assert sweep(uow, centre.queue, SweepPolicy(), centre.now()).unconfirmed == 1
    late = desk.call("POST", desk.path(request_id, "/confirmation"), {"result": "printed"})
    assert late.json["state"] == "printed" and len(issues(centre)) == 1

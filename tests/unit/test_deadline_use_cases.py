"""Deadlines kept where they are used: the document's TTL, the session's, the print's grace."""

from __future__ import annotations

from datetime import timedelta

import pytest

from issuance import services
from issuance.authenticity.model import DocumentStatus
from issuance.errors import KofuError
from issuance.model import RequestState
from issuance.sessions.kiosks import SessionError
from tests.unit.test_request_use_cases import confirm, download, ready, submit
from tests.unit.world import FEE, KIOSK, POLICY, World


def ready_request(world: World, ttl: timedelta = timedelta(minutes=5)) -> str:
    world.sign_in()
    request, _ = submit(world)
    ready(world, request.id)
    world.uow.held_documents.rows[request.id].expires_at = world.now + ttl
    return request.id


def test_a_document_past_its_ttl_is_refused_at_download_and_deleted(world: World) -> None:
    request_id = ready_request(world)
    world.now += timedelta(minutes=5)  # the sweeper has not run: the download decides
    with pytest.raises(services.DocumentExpiredError) as refused:
        download(world, request_id)
    assert refused.value.code == "DOCUMENT_EXPIRED"
    request = world.uow.requests.rows[request_id]
    assert request.state is RequestState.EXPIRED
    assert world.uow.held_documents.rows == {}
    assert world.uow.documents.get(request.serial).status is DocumentStatus.VOID


def test_a_poll_past_the_documents_ttl_answers_expired(world: World) -> None:
    request_id = ready_request(world)
    world.now += timedelta(minutes=5, seconds=1)
    polled = services.poll_request(
        world.uow, world.trust, KIOSK, world.session_id, request_id, world.now
    )
    assert polled.state is RequestState.EXPIRED and world.uow.held_documents.rows == {}


def test_a_document_within_its_ttl_downloads(world: World) -> None:
    request_id = ready_request(world)
    world.now += timedelta(minutes=4, seconds=59)
    assert download(world, request_id)[1] == b"%PDF"


@pytest.mark.parametrize("call", ["poll", "download"])
def test_poll_and_download_past_the_sessions_deadline_are_refused_and_end_it(
    world: World, call: str
) -> None:
    request_id = ready_request(world, ttl=timedelta(hours=1))
    world.now += POLICY.session_ttl
    with pytest.raises(SessionError) as refused:
        if call == "poll":
            services.poll_request(
                world.uow, world.trust, KIOSK, world.session_id, request_id, world.now
            )
        else:
            download(world, request_id)
    assert refused.value.code == "SESSION_EXPIRED"
    request = world.uow.requests.rows[request_id]
    assert (request.state, request.failure_code) == (RequestState.FAILED, "SESSION_EXPIRED")
    assert world.uow.held_documents.rows == {}  # deleted now, not at its TTL
    assert world.uow.documents.get(request.serial).status is DocumentStatus.VOID
    with pytest.raises(SessionError) as again:  # and so on every later call
        download(world, request_id)
    assert again.value.code == "SESSION_EXPIRED"


def test_a_paper_downloaded_before_the_session_ended_is_confirmed_within_the_grace(
    world: World,
) -> None:
    request_id = ready_request(world)
    download(world, request_id)
    world.now += services.CONFIRMATION_GRACE - timedelta(seconds=1)
    assert confirm(world, request_id, True)[1]
    assert [f.fee_total for f in world.ledger.issued] == [FEE]


def test_a_print_result_past_the_grace_is_refused_and_left_to_the_print_log(
    world: World,
) -> None:
    request_id = ready_request(world)
    download(world, request_id)
    world.now += services.CONFIRMATION_GRACE
    with pytest.raises(KofuError) as refused:
        confirm(world, request_id, True)
    assert refused.value.code == "CONFIRMATION_TOO_LATE"
    assert world.uow.requests.rows[request_id].state is RequestState.DELIVERED
    assert world.ledger.issued == []


def test_a_downloaded_document_verifies_as_unconfirmed_until_its_print_is_reported(
    world: World,
) -> None:
    request_id = ready_request(world)
    request, _ = download(world, request_id)
    assert world.uow.documents.get(request.serial).status is DocumentStatus.UNCONFIRMED
    confirm(world, request_id, True)
    assert world.uow.documents.get(request.serial).status is DocumentStatus.ISSUED

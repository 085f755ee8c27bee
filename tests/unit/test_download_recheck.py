"""At download, everyone the held document names is held against the index again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from issuance import services
from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.index.check import check_named_again
from issuance.index.model import ResidentStatus
from issuance.model import CertificateKind, CertificateRequest, Document, RequestState
from issuance.production import ProductionDeps, produce_document
from issuance.refusals import RefusalError
from issuance.sessions.kiosks import SessionState
from tests.unit.world import KIOSK, World

ME, SPOUSE = "12345678901", "12345678902"


def ready_juminhyo(world: World, subjects: list[str] | None = None) -> CertificateRequest:
    """A whole-household 住民票 rendered for the signed-in resident, its PDF held."""
    world.sign_in()
    new = services.NewRequest(CertificateKind.JUMINHYO, {"members": "all"}, 1, "k-1")
    request, _ = services.submit_request(
        world.uow,
        world.directory,
        world.backends,
        world.queue,
        world.trust,
        KIOSK,
        world.session_id,
        new,
        world.now,
    )
    request.start_rendering(world.now)
    request.mark_ready("d" * 64, 1, world.now)
    world.uow.held_documents.add(
        Document(
            request_id=request.id,
            pdf=b"%PDF",
            created_at=world.now,
            expires_at=world.now + timedelta(minutes=30),
            subject_codes=subjects,
        )
    )
    world.uow.documents.put(IssuedDocument(serial=request.serial, status=DocumentStatus.PENDING))
    return request


def download(world: World, request_id: str):  # type: ignore[no-untyped-def]
    return services.download_document(
        world.uow, world.trust, KIOSK, world.session_id, request_id, world.now
    )


def refused_download(world: World, request: CertificateRequest) -> str:
    """The download's refusal code, after checking nothing left the centre or was charged."""
    with pytest.raises(RefusalError) as refused:
        download(world, request.id)
    assert request.state is RequestState.FAILED
    assert request.failure_code == refused.value.code
    assert world.uow.held_documents.get(request.id) is None
    assert world.uow.documents.get(request.serial).status is DocumentStatus.VOID
    assert world.ledger.issued == []
    session = world.uow.kiosk_sessions.get(world.session_id)
    assert session is not None and session.state is SessionState.AUTHENTICATED
    return refused.value.code


def test_the_render_stores_everyone_the_document_names_with_it(world: World) -> None:
    request = ready_juminhyo(world)  # only to sign in and submit; rendered again below
    world.uow.held_documents.rows.clear()
    request.state, request.ready_at = RequestState.ACCEPTED, None
    deps = ProductionDeps(
        uow_factory=lambda: world.uow,
        directory=world.directory,
        backends=world.backends,
        renderer=world.renderer,
        document_ttl=timedelta(minutes=30),
        clock=lambda: world.now,
    )
    assert produce_document(deps, request.id) is RequestState.READY
    held = world.uow.held_documents.get(request.id)
    assert held is not None
    assert held.subject_codes == [ME, SPOUSE] and held.removed_codes == []


def test_a_member_protected_from_dv_after_the_render_stops_the_download_without_saying_so(
    world: World,
) -> None:
    request = ready_juminhyo(world, [ME, SPOUSE])
    world.uow.residents.rows[SPOUSE].dv_protected = True
    # Nothing tells the resident of the member's protection, and no alarm names them.
    assert refused_download(world, request) == "RECORDS_OUT_OF_SYNC"
    assert world.uow.alarms.rows == []


def test_a_member_who_died_after_the_render_is_never_delivered_and_raises_the_alarm(
    world: World,
) -> None:
    request = ready_juminhyo(world, [ME, SPOUSE])
    world.uow.residents.rows[SPOUSE].status = ResidentStatus.DECEASED
    assert refused_download(world, request) == "RECORDS_OUT_OF_SYNC"
    [alarm] = world.uow.alarms.rows
    assert (alarm.stage, alarm.failed_check, alarm.request_id) == (
        "download",
        "deceased",
        request.id,
    )


def test_a_member_who_filed_a_tenshutsu_after_the_render_stops_the_download(
    world: World,
) -> None:
    request = ready_juminhyo(world, [ME, SPOUSE])
    world.uow.residents.rows[SPOUSE].moving_out = True
    assert refused_download(world, request) == "HOUSEHOLD_MEMBER_MOVING_OUT"


def test_the_session_goes_on_after_a_members_refusal(world: World) -> None:
    request = ready_juminhyo(world, [ME, SPOUSE])
    world.uow.residents.rows[SPOUSE].status = ResidentStatus.MOVED_ABROAD
    refused_download(world, request)
    menu = services.get_menu(
        world.uow, world.directory, world.trust, KIOSK, world.session_id, world.now
    )
    assert next(item for item in menu if item.kind == "juminhyo").available


def test_a_document_held_without_its_subjects_is_refused(world: World) -> None:
    request = ready_juminhyo(world, None)
    assert refused_download(world, request) == "RECORDS_OUT_OF_SYNC"


def test_a_household_the_index_still_agrees_with_is_delivered(world: World) -> None:
    request = ready_juminhyo(world, [ME, SPOUSE])
    delivered, pdf = download(world, request.id)
    assert delivered.state is RequestState.DELIVERED and pdf == b"%PDF"


def koseki_request(world: World) -> CertificateRequest:
    now = datetime(2026, 12, 1, 3, tzinfo=UTC)
    request = CertificateRequest(
        id="r-1",
        kind=CertificateKind.KOSEKI_ZENBU,
        municipality_code=world.me.honseki_municipality_code,
        options={},
        ready_at=now,
        updated_at=now,
    )
    return request


def test_a_koseki_member_printed_as_removed_need_only_be_known_to_the_index(
    world: World,
) -> None:
    for code in (ME, SPOUSE):
        world.uow.residents.rows[code].status = ResidentStatus.DECEASED
    request = koseki_request(world)
    index = world.uow.residents.get
    today = datetime(2026, 12, 1).date()
    check_named_again(index, request, [SPOUSE], [SPOUSE], today)
    with pytest.raises(RefusalError) as refused:
        check_named_again(index, request, [ME, SPOUSE], [SPOUSE], today)
    assert refused.value.code == "RECORDS_OUT_OF_SYNC"

"""The request use cases on an in-memory unit of work: menu, submit, poll, download, confirm."""

from __future__ import annotations

from datetime import timedelta

import pytest

from issuance import services
from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.calendar import JST
from issuance.errors import KofuError
from issuance.model import CertificateKind, Document, RequestState
from issuance.refusals import RefusalError
from tests.unit.world import CITY, FEE, HONSEKI_CITY, KIOSK, World


def submit(world: World, key: str = "k-1", copies: int = 1, kind=CertificateKind.JUMINHYO):
    new = services.NewRequest(kind, {"members": "all"}, copies, key)
    return services.submit_request(
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


def ready(world: World, request_id: str) -> None:
    """What the render job leaves: the request ready, its PDF held, its serial registered."""
    request = world.uow.requests.get(request_id)
    assert request is not None
    request.start_rendering(world.now)
    request.mark_ready("d" * 64, 1, world.now)
    world.uow.held_documents.add(
        Document(
            request_id=request_id,
            pdf=b"%PDF",
            created_at=world.now,
            expires_at=world.now + timedelta(minutes=30),
            subject_codes=["12345678901", "12345678902"],
        )
    )
    world.uow.documents.put(
        IssuedDocument(serial=request.serial, status=DocumentStatus.PENDING, kind="juminhyo")
    )


def download(world: World, request_id: str):
    return services.download_document(
        world.uow, world.trust, KIOSK, world.session_id, request_id, world.now
    )


def confirm(world: World, request_id: str, printed: bool):
    return services.confirm_print(
        world.uow, world.ledger, KIOSK, world.session_id, request_id, printed, world.now
    )


def test_the_menu_offers_every_kind_with_its_fee_to_a_signed_in_resident(world: World) -> None:
    world.sign_in()
    menu = services.get_menu(
        world.uow, world.directory, world.trust, KIOSK, world.session_id, world.now
    )
    juminhyo = next(item for item in menu if item.kind == "juminhyo")
    assert (juminhyo.available, juminhyo.fee) == (True, FEE)
    koseki = next(item for item in menu if item.kind == "koseki_zenbu")
    # The 本籍地 is another city and no 利用登録 was filed: refused with that reason.
    assert not koseki.available
    assert koseki.refusal is not None and koseki.refusal.code == "USE_REGISTRATION_REQUIRED"


def test_the_menu_refuses_everything_once_the_resident_is_dv_protected(world: World) -> None:
    world.sign_in()
    world.me.dv_protected = True
    with pytest.raises(RefusalError) as refused:
        services.get_menu(
            world.uow, world.directory, world.trust, KIOSK, world.session_id, world.now
        )
    assert refused.value.code == "DV_PROTECTED"


def test_a_submitted_request_is_stored_accepted_and_enqueued_after_its_commit(
    world: World,
) -> None:
    world.sign_in()
    request, created = submit(world, copies=2)
    assert created
    assert world.uow.requests.get(request.id) is request
    assert request.state is RequestState.ACCEPTED
    assert request.fee_total == 2 * FEE
    assert world.queue.enqueued == [request.id]


def test_a_retried_submission_returns_the_first_request_and_enqueues_nothing(
    world: World,
) -> None:
    world.sign_in()
    first, _ = submit(world)
    again, created = submit(world)
    assert again is first and not created
    assert world.queue.enqueued == [first.id]


def test_the_same_idempotency_key_with_another_body_is_refused(world: World) -> None:
    world.sign_in()
    submit(world, copies=1)
    with pytest.raises(services.IdempotencyConflictError):
        submit(world, copies=3)


def test_a_retry_that_raced_the_first_submission_replays_it(world: World) -> None:
    world.sign_in()
    first, _ = submit(world)
    # The retry looked before the first committed: its insert breaks the unique key.
    world.uow.requests.rows.pop(first.id)
    racing_lookup = world.uow.requests.by_idempotency_key
    calls = []

    def lookup(session_id: str, key: str):
        calls.append(key)
        if len(calls) == 1:
            world.uow.requests.rows[first.id] = first  # the first one commits meanwhile
            return None
        return racing_lookup(session_id, key)

    world.uow.requests.by_idempotency_key = lookup  # type: ignore[method-assign]
    replayed, created = submit(world)
    assert replayed is first and not created
    assert world.uow.rollbacks == 1
    assert world.queue.enqueued == [first.id]


def test_a_seal_certificate_without_a_registration_is_refused_at_submission(
    world: World,
) -> None:
    world.sign_in()
    with pytest.raises(KofuError) as refused:
        submit(world, kind=CertificateKind.INKAN)
    assert refused.value.code == "NO_SEAL_REGISTERED"
    assert world.uow.requests.rows == {} and world.queue.enqueued == []
    # The look-up itself is audited, refusal or not (after the sign-in's own row).
    assert [a.purpose for a in world.uow.audit.rows] == ["sign_in", "precheck"]


def test_a_refusal_at_submission_is_counted_for_its_municipality_kind_and_day(
    world: World,
) -> None:
    world.sign_in()
    with pytest.raises(KofuError):
        submit(world, kind=CertificateKind.INKAN)  # NO_SEAL_REGISTERED, from the pre-check
    with pytest.raises(KofuError):
        submit(world, kind=CertificateKind.KOSEKI_ZENBU)  # USE_REGISTRATION_REQUIRED
    day = world.now.astimezone(JST).date()
    assert world.uow.refusal_counts.counts == {
        (day, CITY, "inkan", "NO_SEAL_REGISTERED"): 1,
        (day, HONSEKI_CITY, "koseki_zenbu", "USE_REGISTRATION_REQUIRED"): 1,
    }


def test_a_refusal_reaches_the_kiosk_even_when_counting_it_fails(world: World) -> None:
    def broken(*_: object) -> None:
        raise OSError("the database went away")

    world.sign_in()
    world.uow.refusal_counts.increment = broken  # type: ignore[method-assign]
    with pytest.raises(KofuError) as refused:
        submit(world, kind=CertificateKind.INKAN)
    assert refused.value.code == "NO_SEAL_REGISTERED"


def test_poll_withdraws_a_request_once_a_tenshutsu_is_filed(world: World) -> None:
    world.sign_in()
    request, _ = submit(world)
    world.me.moving_out = True
    polled = services.poll_request(
        world.uow, world.trust, KIOSK, world.session_id, request.id, world.now
    )
    assert polled.state is RequestState.FAILED and polled.failure_code == "MOVING_OUT"


def test_another_sessions_request_is_not_found(world: World) -> None:
    world.sign_in()
    request, _ = submit(world)
    first_session = world.session_id
    world.sign_in()
    assert world.session_id != first_session
    with pytest.raises(services.RequestNotFoundError):
        services.poll_request(
            world.uow, world.trust, KIOSK, world.session_id, request.id, world.now
        )


def test_the_download_hands_out_the_pdf_once_and_deletes_it(world: World) -> None:
    world.sign_in()
    request, _ = submit(world)
    ready(world, request.id)
    delivered, pdf = download(world, request.id)
    assert pdf == b"%PDF" and delivered.state is RequestState.DELIVERED
    assert world.uow.held_documents.get(request.id) is None
    with pytest.raises(KofuError) as again:
        download(world, request.id)
    assert again.value.code == "DOCUMENT_ALREADY_DELIVERED"


def test_a_request_not_yet_ready_cannot_be_downloaded(world: World) -> None:
    world.sign_in()
    request, _ = submit(world)
    with pytest.raises(KofuError) as refused:
        download(world, request.id)
    assert refused.value.code == "REQUEST_STATE_CONFLICT"
    assert world.uow.requests.rows[request.id].state is RequestState.ACCEPTED


def test_a_printed_document_is_charged_once_however_often_it_is_confirmed(
    world: World,
) -> None:
    world.sign_in()
    request, _ = submit(world, copies=2)
    ready(world, request.id)
    download(world, request.id)
    assert confirm(world, request.id, True)[1]
    assert not confirm(world, request.id, True)[1]
    assert [(f.request_id, f.fee_total) for f in world.ledger.issued] == [(request.id, 2 * FEE)]
    assert world.uow.documents.get(request.serial).status is DocumentStatus.ISSUED


def test_a_failed_print_is_voided_free_and_its_document_deleted(world: World) -> None:
    world.sign_in()
    request, _ = submit(world)
    ready(world, request.id)
    confirm(world, request.id, False)
    assert world.ledger.issued == [] and [f.fee_total for f in world.ledger.voided] == [FEE]
    assert world.uow.held_documents.get(request.id) is None
    assert world.uow.documents.get(request.serial).status is DocumentStatus.VOID


def test_use_registration_is_filed_once_with_the_honseki(world: World) -> None:
    world.sign_in()
    registration, name = services.file_use_registration(
        world.uow, world.directory, world.trust, KIOSK, world.session_id, world.now
    )
    again, _ = services.file_use_registration(
        world.uow, world.directory, world.trust, KIOSK, world.session_id, world.now
    )
    assert (registration.municipality_code, name) == (HONSEKI_CITY, "大阪市")
    assert again is registration
    assert registration.usable_from > world.now.date()
    assert len(world.uow.use_registrations.rows) == 1

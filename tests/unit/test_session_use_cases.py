"""Card sign-in and the checks made again on every call, on fakes: a failure ends the session."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cryptography import x509

from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.calendar import JST
from issuance.errors import CardAuthError
from issuance.model import CertificateKind, Document, RequestState
from issuance.refusals import RefusalError
from issuance.services import NewRequest, submit_request
from issuance.sessions.authentication import authenticate_session, open_session
from issuance.sessions.checks import session_resident
from issuance.sessions.credentials import (
    KioskAuthError,
    KioskDirectory,
    authenticate_kiosk,
    register_kiosk,
    revoke_kiosk,
)
from issuance.sessions.kiosks import SessionError, SessionState
from tests.unit.world import KIOSK, POLICY, World


def ready_request(world: World) -> str:
    new = NewRequest(CertificateKind.JUMINHYO, {"members": "all"}, 1, "k-1")
    request, _ = submit_request(
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
        Document(request_id=request.id, pdf=b"%PDF", created_at=world.now, expires_at=world.now)
    )
    world.uow.documents.put(IssuedDocument(serial=request.serial, status=DocumentStatus.PENDING))
    return request.id


def recheck(world: World):
    return session_resident(world.uow, world.trust, KIOSK, world.session_id, world.now)


def test_a_linked_card_signs_in_and_the_session_names_its_resident(world: World) -> None:
    session_id = world.sign_in()
    session = world.uow.kiosk_sessions.get(session_id)
    assert session is not None and session.state is SessionState.AUTHENTICATED
    assert recheck(world).juminhyo_code == "12345678901"


def test_a_card_linked_to_nobody_gets_no_challenge(world: World) -> None:
    world.uow.residents.cards.clear()
    with pytest.raises(RefusalError) as refused:
        open_session(world.uow, KIOSK, world.certificate_der, world.trust, POLICY, world.now)
    assert refused.value.code == "CARD_NOT_LINKED"
    assert world.uow.kiosk_sessions.rows == {}


def test_a_card_usable_only_from_tomorrow_gets_no_challenge(world: World) -> None:
    fingerprint = next(iter(world.uow.residents.cards))
    tomorrow = world.now.astimezone(JST).date() + timedelta(days=1)
    world.uow.residents.cards[fingerprint] = ("12345678901", tomorrow)
    with pytest.raises(RefusalError) as refused:
        open_session(world.uow, KIOSK, world.certificate_der, world.trust, POLICY, world.now)
    assert refused.value.code == "CARD_NOT_YET_USABLE"


def test_a_wrong_signature_closes_the_session(world: World) -> None:
    challenge = open_session(
        world.uow, KIOSK, world.certificate_der, world.trust, POLICY, world.now
    )
    with pytest.raises(CardAuthError) as refused:
        authenticate_session(
            world.uow,
            KIOSK,
            challenge.session_id,
            world.sign(b"something else"),
            world.trust,
            POLICY,
            world.now,
        )
    assert refused.value.code == "SIGNATURE_INVALID"
    assert world.uow.kiosk_sessions.rows[challenge.session_id].state is SessionState.CLOSED


def test_a_challenge_answers_once(world: World) -> None:
    challenge = open_session(
        world.uow, KIOSK, world.certificate_der, world.trust, POLICY, world.now
    )
    signature = world.sign(challenge.to_be_signed)
    args = (KIOSK, challenge.session_id, signature, world.trust, POLICY, world.now)
    authenticate_session(world.uow, *args)
    with pytest.raises(SessionError) as again:
        authenticate_session(world.uow, *args)
    assert again.value.code == "CHALLENGE_USED"


def test_a_child_is_refused_at_sign_in_after_the_pin(world: World) -> None:
    world.me.birth_date = date.today() - timedelta(days=365 * 10)
    challenge = open_session(
        world.uow, KIOSK, world.certificate_der, world.trust, POLICY, world.now
    )
    with pytest.raises(RefusalError) as refused:
        authenticate_session(
            world.uow,
            KIOSK,
            challenge.session_id,
            world.sign(challenge.to_be_signed),
            world.trust,
            POLICY,
            world.now,
        )
    assert refused.value.code == "UNDER_15"
    assert world.uow.kiosk_sessions.rows[challenge.session_id].state is SessionState.CLOSED


def test_a_certificate_revoked_mid_session_ends_it_and_withdraws_its_requests(
    world: World,
) -> None:
    world.sign_in()
    request_id = ready_request(world)
    world.jpki.revoke(x509.load_der_x509_certificate(world.certificate_der).serial_number)
    with pytest.raises(CardAuthError) as refused:
        recheck(world)
    assert refused.value.code == "CERT_REVOKED"
    request = world.uow.requests.get(request_id)
    assert request is not None and request.state is RequestState.FAILED
    assert request.failure_code == "CERT_REVOKED"
    assert world.uow.held_documents.get(request_id) is None
    assert world.uow.documents.get(request.serial).status is DocumentStatus.VOID
    # The session stays ended, and says why while the cause lasts.
    with pytest.raises(CardAuthError):
        recheck(world)


def test_a_card_relinked_to_someone_else_ends_the_session(world: World) -> None:
    world.sign_in()
    fingerprint = next(iter(world.uow.residents.cards))
    world.uow.residents.cards[fingerprint] = ("12345678902", date(2020, 1, 1))
    with pytest.raises(RefusalError) as refused:
        recheck(world)
    assert refused.value.code == "CARD_NOT_LINKED"
    assert world.uow.kiosk_sessions.rows[world.session_id].state is SessionState.CLOSED


def test_another_kiosk_cannot_use_the_session(world: World) -> None:
    world.sign_in()
    with pytest.raises(SessionError) as refused:
        session_resident(world.uow, world.trust, "kiosk-2", world.session_id, world.now)
    assert refused.value.code == "SESSION_NOT_FOUND"


def test_a_revoked_kiosk_loses_its_sessions_and_their_open_requests(world: World) -> None:
    token = register_kiosk(world.uow, "pepper", KIOSK, "op-1", "Shop 1")
    kiosks = KioskDirectory()
    assert authenticate_kiosk(world.uow, kiosks, "pepper", token, world.now) == KIOSK
    world.sign_in()
    request_id = ready_request(world)
    revoke_kiosk(world.uow, KIOSK, world.now)
    world.uow.version += 1  # the database triggers bump the reference version
    assert world.uow.kiosk_sessions.rows[world.session_id].state is SessionState.CLOSED
    assert world.uow.requests.get(request_id).failure_code == "KIOSK_UNAUTHORIZED"
    assert world.uow.held_documents.rows == {}
    with pytest.raises(KioskAuthError):
        authenticate_kiosk(world.uow, kiosks, "pepper", token, world.now)


def test_a_wrong_kiosk_secret_is_refused(world: World) -> None:
    register_kiosk(world.uow, "pepper", KIOSK, "op-1", "Shop 1")
    with pytest.raises(KioskAuthError):
        authenticate_kiosk(world.uow, KioskDirectory(), "pepper", f"{KIOSK}.guess", world.now)

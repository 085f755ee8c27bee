"""A PIN-reset reservation: for one card, valid 24 hours, used once, every step audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from demo.jpki import TestJpki
from issuance.errors import CardAuthError
from issuance.pin_reset.model import PinResetError, PinResetEvent
from issuance.pin_reset.services import (
    check_pin_reset,
    report_pin_reset,
    reserve_pin_reset,
)
from issuance.refusals import RefusalError
from issuance.sessions.jpki import TrustStore
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime.now(UTC)  # the test CRL is valid one day from its publication
EARLIER = NOW - timedelta(hours=23)


@pytest.fixture(scope="module")
def jpki(tmp_path_factory: pytest.TempPathFactory) -> TestJpki:
    return TestJpki.create(tmp_path_factory.mktemp("jpki"))


@pytest.fixture(scope="module")
def cards(jpki: TestJpki) -> list[tuple[int, bytes]]:
    """Two cards' (serial, certificate DER)."""
    made = []
    for _ in range(2):
        certificate, _key = jpki.issue_user_certificate(not_before=NOW - timedelta(days=2))
        made.append(
            (certificate.serial_number, certificate.public_bytes(serialization.Encoding.DER))
        )
    return made


@pytest.fixture
def trust(jpki: TestJpki) -> TrustStore:
    return TrustStore.from_files(jpki.root_path, jpki.ca_path, jpki.crl_path)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def refused(call, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(RefusalError) as raised:
        call(*args)
    return raised.value.code


def events(uow: FakeUnitOfWork) -> list[tuple[str, str | None]]:
    return [(row.event, row.code) for row in uow.pin_resets.audit]


def test_a_reserved_card_is_confirmed_at_the_kiosk(uow, trust, cards) -> None:  # type: ignore[no-untyped-def]
    serial, der = cards[0]
    reservation = reserve_pin_reset(uow, serial, EARLIER)
    assert reservation.expires_at == EARLIER + timedelta(hours=24)
    checked = check_pin_reset(uow, "K0001", der, trust, NOW)
    assert checked.id == reservation.id
    assert events(uow) == [("reserved", None), ("checked", None)]


def test_a_card_without_a_reservation_is_refused_and_the_refusal_audited(
    uow,
    trust,
    cards,  # type: ignore[no-untyped-def]
) -> None:
    reserve_pin_reset(uow, cards[0][0], NOW)
    assert refused(check_pin_reset, uow, "K0001", cards[1][1], trust, NOW) == "NO_RESET_RESERVATION"
    assert events(uow)[-1] == ("refused", "NO_RESET_RESERVATION")
    assert uow.pin_resets.audit[-1].kiosk_id == "K0001"


def test_a_reservation_expires_after_24_hours(uow, trust, cards) -> None:  # type: ignore[no-untyped-def]
    serial, der = cards[0]
    reserve_pin_reset(uow, serial, NOW - timedelta(hours=24))
    assert refused(check_pin_reset, uow, "K0001", der, trust, NOW) == "RESET_RESERVATION_EXPIRED"


def test_a_reservation_resets_once_only(uow, trust, cards) -> None:  # type: ignore[no-untyped-def]
    serial, der = cards[0]
    reservation = reserve_pin_reset(uow, serial, NOW)
    check_pin_reset(uow, "K0001", der, trust, NOW)
    used = report_pin_reset(uow, "K0001", reservation.id, PinResetEvent.RESET, NOW)
    assert used.used_at == NOW and used.used_by_kiosk == "K0001"
    again = report_pin_reset(uow, "K0001", reservation.id, PinResetEvent.RESET, NOW)  # a retry
    assert again.used_at == NOW
    assert refused(check_pin_reset, uow, "K0002", der, trust, NOW) == "RESET_RESERVATION_USED"
    assert [e for e, _ in events(uow)].count("reset") == 1


def test_a_new_reservation_replaces_a_used_one(uow, trust, cards) -> None:  # type: ignore[no-untyped-def]
    serial, der = cards[0]
    first = reserve_pin_reset(uow, serial, EARLIER)
    check_pin_reset(uow, "K0001", der, trust, EARLIER)
    report_pin_reset(uow, "K0001", first.id, PinResetEvent.RESET, EARLIER)
    second = reserve_pin_reset(uow, serial, NOW)
    assert check_pin_reset(uow, "K0001", der, trust, NOW).id == second.id


def test_only_the_kiosk_that_checked_the_reservation_may_report_on_it(
    uow,
    trust,
    cards,  # type: ignore[no-untyped-def]
) -> None:
    serial, der = cards[0]
    reservation = reserve_pin_reset(uow, serial, NOW)
    with pytest.raises(PinResetError):  # not checked by anyone yet
        report_pin_reset(uow, "K0001", reservation.id, PinResetEvent.RESET, NOW)
    check_pin_reset(uow, "K0001", der, trust, NOW)
    with pytest.raises(PinResetError):
        report_pin_reset(uow, "K0002", reservation.id, PinResetEvent.RESET, NOW)
    assert reservation.used_at is None


def test_wrong_and_locked_signature_pins_are_audited_and_leave_the_reservation_open(
    uow,
    trust,
    cards,  # type: ignore[no-untyped-def]
) -> None:
    serial, der = cards[0]
    reservation = reserve_pin_reset(uow, serial, NOW)
    check_pin_reset(uow, "K0001", der, trust, NOW)
    report_pin_reset(uow, "K0001", reservation.id, PinResetEvent.SIGNATURE_PIN_WRONG, NOW, 4)
    report_pin_reset(uow, "K0001", reservation.id, PinResetEvent.SIGNATURE_PIN_LOCKED, NOW, 0)
    assert reservation.used_at is None
    audit = uow.pin_resets.audit[-2:]
    assert [(row.event, row.tries_left) for row in audit] == [
        ("signature_pin_wrong", 4),
        ("signature_pin_locked", 0),
    ]


def test_a_revoked_card_is_not_reset(uow, trust, jpki: TestJpki) -> None:  # type: ignore[no-untyped-def]
    certificate, _key = jpki.issue_user_certificate(not_before=NOW - timedelta(days=2))
    reserve_pin_reset(uow, certificate.serial_number, NOW)
    jpki.revoke(certificate.serial_number)
    with pytest.raises(CardAuthError) as raised:
        check_pin_reset(
            uow,
            "K0001",
            certificate.public_bytes(serialization.Encoding.DER),
            trust,
            datetime.now(UTC),  # the CRL just published
        )
    assert raised.value.code == "CERT_REVOKED"
    assert events(uow)[-1] == ("refused", "CERT_REVOKED")


def test_the_audit_holds_no_personal_data(uow, trust, cards) -> None:  # type: ignore[no-untyped-def]
    serial, der = cards[0]
    reservation = reserve_pin_reset(uow, serial, NOW)
    check_pin_reset(uow, "K0001", der, trust, NOW)
    report_pin_reset(uow, "K0001", reservation.id, PinResetEvent.RESET, NOW)
    columns = {c.name for c in uow.pin_resets.audit[0].__table__.columns}
    assert columns == {"id", "at", "event", "reservation_id", "kiosk_id", "code", "tries_left"}

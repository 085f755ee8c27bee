"""Smartphone certificates at the centre: Android and iPhone sign in and issue; what JPKI
revokes (the card, its reissue, a lost phone) refuses the phone, mid-session too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from centre.bootstrap import Platform
from issuance.model import CertificateRequest, RecordAccess
from issuance.sessions.kiosks import KioskSession
from kiosk_terminal.virtual_phone import VirtualPhone
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, squeeze
from tests.support.phones import (
    ANDROID,
    CARD_OF,
    IPHONE,
    PINS,
    lose_phone,
    phones,
    revoke_phones_card,
    sign_in_phone,
)


def refused(response: Any, code: str, status: int = 403) -> None:
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]["ja"] and response.json["error"]["message"]["en"]


def sign_ins(credential: str, method: str) -> float:
    labels = {"credential": credential, "method": method}
    return REGISTRY.get_sample_value("kofu_sign_ins_total", labels) or 0.0


@pytest.mark.parametrize(
    ("phone", "credential", "method", "name"),
    [
        (ANDROID, "android", "pin_on_kiosk", "山田太郎"),
        (IPHONE, "iphone", "biometric_on_device", "山田花子"),
    ],
)
def test_a_phone_signs_in_and_gets_its_holders_juminhyo(
    kiosk: TestKiosk,
    data_dir: Path,
    platform: Platform,
    phone: str,
    credential: str,
    method: str,
    name: str,
) -> None:
    before = sign_ins(credential, method)
    signed_in = sign_in_phone(kiosk, phones(data_dir) / phone, PINS[phone])
    assert signed_in.status_code == 200, signed_in.json
    assert (signed_in.json["credential"], signed_in.json["auth_method"]) == (credential, method)
    assert sign_ins(credential, method) == before + 1
    accepted = kiosk.request({"members": "self"})
    ready = kiosk.wait(accepted.json["request_id"])
    assert ready["state"] == "ready", ready
    pdf = kiosk.call("GET", kiosk.path(ready["request_id"], "/document")).data
    assert name in squeeze(pdf_text(pdf))
    with platform.uow() as uow:
        session = uow.session.get(KioskSession, kiosk.session_id)
        assert session is not None
        assert (session.credential, session.auth_method) == (credential, method)
        audit = uow.session.scalars(
            select(RecordAccess).where(RecordAccess.purpose == "sign_in")
        ).all()
        assert [(a.credential, a.auth_method) for a in audit] == [(credential, method)]


def test_a_card_sign_in_is_recorded_as_a_card_with_its_pin(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    before = sign_ins("card", "pin_on_kiosk")
    assert kiosk.sign_in(cards / "yamada-taro.json").json["credential"] == "card"
    assert sign_ins("card", "pin_on_kiosk") == before + 1
    with platform.uow() as uow:
        session = uow.session.get(KioskSession, kiosk.session_id)
        assert session is not None and session.auth_method == "pin_on_kiosk"


def test_a_phone_claiming_what_its_certificate_does_not_say_is_refused(
    kiosk: TestKiosk, data_dir: Path
) -> None:
    """An Android certificate in a phone that reports Face ID: the report is signed, but the
    smartphone CA certified a PIN-checked Android key, so the centre does not believe it."""
    impostor = VirtualPhone.load(phones(data_dir) / ANDROID)
    impostor.platform = "iphone"
    refused(sign_in_phone(kiosk, impostor), "AUTH_METHOD_MISMATCH")


def test_a_lost_phone_is_refused_and_its_card_still_works(
    kiosk: TestKiosk, data_dir: Path, cards: Path
) -> None:
    lost = phones(data_dir) / "yamada-ichiro-iphone-lost.json"
    refused(sign_in_phone(kiosk, lost), "PHONE_CERT_REVOKED")
    android = phones(data_dir) / ANDROID
    lose_phone(data_dir / "jpki", android)
    refused(sign_in_phone(kiosk, android, PINS[ANDROID]), "PHONE_CERT_REVOKED")
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200


def test_a_phone_set_up_from_a_card_since_reissued_is_refused(
    kiosk: TestKiosk, data_dir: Path
) -> None:
    old = phones(data_dir) / "suzuki-ichiro-android-old.json"
    refused(sign_in_phone(kiosk, old, "1357"), "PHONE_CARD_REISSUED")


@pytest.mark.parametrize("reissued", [False, True], ids=["revoked", "reissued"])
@pytest.mark.parametrize("phone", [ANDROID, IPHONE])
def test_revoking_the_card_refuses_its_phone_on_the_next_call_mid_session(
    kiosk: TestKiosk,
    data_dir: Path,
    cards: Path,
    platform: Platform,
    phone: str,
    reissued: bool,
) -> None:
    assert sign_in_phone(kiosk, phones(data_dir) / phone, PINS[phone]).status_code == 200
    ready = kiosk.wait(kiosk.request({"members": "self"}).json["request_id"])
    assert ready["state"] == "ready", ready
    revoked = revoke_phones_card(data_dir / "jpki", cards / CARD_OF[phone], reissued)
    assert len(revoked) == 1  # JPKI revoked the phone's certificate with the card's
    code = "PHONE_CARD_REISSUED" if reissued else "PHONE_CARD_REVOKED"
    refused(kiosk.call("GET", kiosk.path(ready["request_id"], "/document")), code)
    with platform.uow() as uow:
        request = uow.session.get(CertificateRequest, ready["request_id"])
        assert request is not None and request.failure_code == code  # withdrawn, uncharged
    refused(kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu"), code)
    refused(sign_in_phone(kiosk, phones(data_dir) / phone, PINS[phone]), code)

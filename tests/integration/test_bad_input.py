"""Bad input and attacks: a stable code, both languages, and nothing half-written."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from centre.bootstrap import Platform
from issuance.model import CertificateRequest
from issuance.sessions.credentials import revoke_kiosk
from issuance.sessions.kiosks import KioskSession
from kiosk_terminal.jpki import JpkiCard
from kiosk_terminal.virtual_card import VirtualCard
from tests.conftest import FakeClock
from tests.support.kiosk import TestKiosk


def error_of(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json["error"]
    assert body["message"]["ja"] and body["message"]["en"], body
    return body["code"]


def count(platform: Platform, model: type) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_an_unknown_or_missing_kiosk_credential_is_refused(client, tokens, cards: Path) -> None:  # type: ignore[no-untyped-def]
    kiosk_id = tokens["K0001"].split(".")[0]
    for token in ("", f"{kiosk_id}.wrong-secret", "K9999.whatever", "no-dot"):
        response = TestKiosk(client, token).sign_in(cards / "yamada-taro.json")
        assert response.status_code == 401
        assert error_of(response) == "KIOSK_UNAUTHORIZED"


def test_a_revoked_kiosk_is_refused_at_once(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    with platform.uow() as uow:
        revoke_kiosk(uow, "K0001", platform.now())
    assert error_of(kiosk.request()) == "KIOSK_UNAUTHORIZED"


@pytest.mark.parametrize(
    ("body", "content_type", "code", "status"),
    [
        (b"{not json", "application/json", "MALFORMED_JSON", 400),
        (b'{"certificate": 5}', "application/json", "INVALID_REQUEST", 400),
        (b'{"certificate": "AAAA", "extra": 1}', "application/json", "INVALID_REQUEST", 400),
        (b'{"certificate": "***"}', "application/json", "INVALID_REQUEST", 400),
        (b"certificate=AAAA", "application/x-www-form-urlencoded", "UNSUPPORTED_MEDIA_TYPE", 415),
        (b'{"certificate": "' + b"A" * 70_000 + b'"}', "application/json", "BODY_TOO_LARGE", 413),
    ],
)
def test_malformed_bodies_get_a_stable_code(  # type: ignore[no-untyped-def]
    kiosk: TestKiosk, platform: Platform, body: bytes, content_type: str, code: str, status: int
) -> None:
    response = kiosk.client.post(
        "/v1/sessions", data=body, content_type=content_type, headers=kiosk.headers
    )
    assert response.status_code == status
    assert error_of(response) == code
    assert count(platform, KioskSession) == 0


def test_a_request_with_wrong_types_or_unknown_options_writes_nothing(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    path = f"/v1/sessions/{kiosk.session_id}/requests"
    for body in (
        {"certificate": "juminhyo", "copies": "2", "idempotency_key": "k" * 10},
        {"certificate": "juminhyo", "copies": 0, "idempotency_key": "k" * 10},
        {
            "certificate": "juminhyo",
            "options": {"members": "all", "print_everything": True},
            "idempotency_key": "k" * 10,
        },
        {"certificate": "passport", "idempotency_key": "k" * 10},
        {"certificate": "juminhyo", "idempotency_key": "short"},
    ):
        response = kiosk.call("POST", path, body)
        assert response.status_code == 400, body
        assert error_of(response) == "INVALID_REQUEST"
        assert response.json["error"]["details"]["fields"]
    assert count(platform, CertificateRequest) == 0


def _challenge(kiosk: TestKiosk, card_path: Path) -> tuple[JpkiCard, bytes]:
    card = JpkiCard(VirtualCard.load(card_path))
    card.select_application()
    der = card.read_user_certificate()
    card.verify_pin("1234")
    opened = kiosk.call("POST", "/v1/sessions", {"certificate": base64.b64encode(der).decode()})
    kiosk.session_id = opened.json["session_id"]
    return card, base64.b64decode(opened.json["challenge"])


def _answer(kiosk: TestKiosk, signature: bytes):  # type: ignore[no-untyped-def]
    return kiosk.call(
        "POST",
        f"/v1/sessions/{kiosk.session_id}/authenticate",
        {"signature": base64.b64encode(signature).decode()},
    )


def test_a_replayed_signature_is_refused(kiosk: TestKiosk, cards: Path) -> None:
    card, challenge = _challenge(kiosk, cards / "yamada-taro.json")
    signature = card.sign_sha256(challenge)
    assert _answer(kiosk, signature).status_code == 200
    replay = _answer(kiosk, signature)
    assert replay.status_code == 409 and error_of(replay) == "CHALLENGE_USED"


def test_a_forged_signature_fails_and_burns_the_challenge(kiosk: TestKiosk, cards: Path) -> None:
    card, challenge = _challenge(kiosk, cards / "yamada-taro.json")
    forged = _answer(kiosk, card.sign_sha256(challenge + b"x"))
    assert forged.status_code == 403 and error_of(forged) == "SIGNATURE_INVALID"
    honest_retry = _answer(kiosk, card.sign_sha256(challenge))
    assert error_of(honest_retry) == "CHALLENGE_USED"


def test_another_residents_card_cannot_answer_the_challenge(kiosk: TestKiosk, cards: Path) -> None:
    _, challenge = _challenge(kiosk, cards / "yamada-taro.json")
    other = JpkiCard(VirtualCard.load(cards / "yamada-ichiro.json"))
    other.select_application()
    other.verify_pin("1234")
    assert error_of(_answer(kiosk, other.sign_sha256(challenge))) == "SIGNATURE_INVALID"


def test_a_next_generation_cards_signature_cannot_answer_for_todays_card(
    kiosk: TestKiosk, cards: Path
) -> None:
    """yamada-hanako's card is a P-384 one: its 96-byte r||s is no RSA-2048 signature."""
    _, challenge = _challenge(kiosk, cards / "yamada-taro.json")
    other = JpkiCard(VirtualCard.load(cards / "yamada-hanako.json"))
    other.select_application()
    certificate = other.read_user_certificate()
    other.verify_pin("1234")
    answer = _answer(kiosk, other.sign_challenge(challenge, certificate))
    assert answer.status_code == 403 and error_of(answer) == "SIGNATURE_SCHEME_MISMATCH"


def test_a_challenge_answered_too_late_is_refused(
    kiosk: TestKiosk, cards: Path, clock: FakeClock
) -> None:
    card, challenge = _challenge(kiosk, cards / "yamada-taro.json")
    clock.advance(121)
    assert error_of(_answer(kiosk, card.sign_sha256(challenge))) == "CHALLENGE_EXPIRED"


def test_a_session_answered_from_another_kiosk_is_not_found(
    kiosk: TestKiosk, other_kiosk: TestKiosk, cards: Path
) -> None:
    card, challenge = _challenge(kiosk, cards / "yamada-taro.json")
    other_kiosk.session_id = kiosk.session_id
    assert error_of(_answer(other_kiosk, card.sign_sha256(challenge))) == "SESSION_NOT_FOUND"


def test_an_expired_session_cannot_request(kiosk: TestKiosk, cards: Path, clock: FakeClock) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    clock.advance(901)
    response = kiosk.request()
    assert response.status_code == 410 and error_of(response) == "SESSION_EXPIRED"


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("ito-kenji", "CERT_REVOKED"),
        ("ito-sho", "CARD_NOT_YET_USABLE"),
        ("sato-hanako", "DV_PROTECTED"),  # may get nothing at all: refused once the PIN is in
        ("yamada-sakura", "UNDER_15"),
    ],
)
def test_cards_and_residents_that_may_get_nothing_are_refused_at_sign_in(
    kiosk: TestKiosk, cards: Path, card: str, code: str
) -> None:
    response = kiosk.sign_in(cards / f"{card}.json")
    assert response.status_code == 403 and error_of(response) == code


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("tanaka-makoto", "MOVING_OUT"),
        ("amahata-kiyo", "MUNICIPALITY_NOT_PARTICIPATING"),
    ],
)
def test_residents_who_may_not_have_a_juminhyo_are_refused_with_their_reason(
    kiosk: TestKiosk, cards: Path, platform: Platform, card: str, code: str
) -> None:
    assert kiosk.sign_in(cards / f"{card}.json").status_code == 200
    response = kiosk.request()
    assert response.status_code == 403 and error_of(response) == code
    assert count(platform, CertificateRequest) == 0


def test_a_household_member_moving_out_fails_the_request_at_no_charge(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "tanaka-yoko.json").status_code == 200
    accepted = kiosk.request()
    final = kiosk.wait(accepted.json["request_id"])
    assert final["state"] == "failed"
    assert final["failure"]["code"] == "HOUSEHOLD_MEMBER_MOVING_OUT"
    assert kiosk.call("GET", kiosk.path(final["request_id"], "/document")).status_code == 409


def test_the_openapi_document_describes_every_kiosk_call(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/v1/sessions/{session_id}/requests" in spec["paths"]
    body = spec["components"]["schemas"]["RequestBody"]
    assert body["additionalProperties"] is False
    assert json.dumps(spec, ensure_ascii=False).count("IDEMPOTENCY_KEY_REUSED") >= 1


@pytest.mark.parametrize("query", ["wait=soon", "wait=-1", "wait=21", "wait=1&since=0"])
def test_a_poll_with_a_bad_wait_is_refused_with_a_stable_code(
    kiosk: TestKiosk, cards: Path, query: str
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request().json["request_id"]
    response = kiosk.call("GET", f"{kiosk.path(request_id)}?{query}")
    assert response.status_code == 400 and error_of(response) == "INVALID_REQUEST"


@pytest.mark.parametrize("query", ["wait=soon", "wait=21", "later=1"])
def test_a_request_with_a_bad_wait_is_refused_and_writes_nothing(
    kiosk: TestKiosk, cards: Path, platform: Platform, query: str
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    body = {"certificate": "juminhyo", "options": {"members": "all"}, "copies": 1}
    response = kiosk.call(
        "POST",
        f"/v1/sessions/{kiosk.session_id}/requests?{query}",
        {**body, "idempotency_key": "bad-wait-request-0001"},
    )
    assert response.status_code == 400 and error_of(response) == "INVALID_REQUEST"
    assert count(platform, CertificateRequest) == 0

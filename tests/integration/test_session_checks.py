"""What sign-in checked holds for the whole session: a change after it refuses the next call.

Each change is made after the resident signed in and while a request is open: the next call
gets the change's own code, the open request ends failed at no charge, its document is gone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from billing.model import BillingEvent
from centre.bootstrap import Platform
from issuance.authenticity.register import IssuedDocument
from issuance.documents import RenderedDocument
from issuance.index.model import ResidentStatus
from issuance.model import CertificateRequest, Document
from issuance.production import produce_document
from issuance.sessions.credentials import revoke_kiosk
from tests.support.kiosk import TestKiosk
from tests.support.mid_session import SESSION_WIDE, change_resident, make_change, revoke_card
from tests.support.queues import ManualQueue

YAMADA = "yamada-taro.json"


def count(platform: Platform, model: type) -> int:
    with platform.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def stored(platform: Platform, request_id: str) -> CertificateRequest:
    with platform.uow() as uow:
        request = uow.session.get(CertificateRequest, request_id)
        assert request is not None
        return request


def serial_status(platform: Platform, serial: str) -> str:
    with platform.uow() as uow:
        document = uow.session.get(IssuedDocument, serial)
        assert document is not None
        return document.status.value


def refused(response: Any, code: str, status: int = 403) -> None:
    assert response.status_code == status, response.json
    error = response.json["error"]
    assert error["code"] == code
    assert error["message"]["ja"] and error["message"]["en"]


def ready_request(kiosk: TestKiosk, cards: Path) -> dict[str, Any]:
    assert kiosk.sign_in(cards / YAMADA).status_code == 200
    ready = kiosk.wait(kiosk.request().json["request_id"])
    assert ready["state"] == "ready", ready
    return ready


CALLS = {
    "menu": lambda kiosk, rid: kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu"),
    "household": lambda kiosk, rid: kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/household"),
    "submit": lambda kiosk, rid: kiosk.request(certificate="inkan"),
    "poll": lambda kiosk, rid: kiosk.call("GET", kiosk.path(rid)),
    "download": lambda kiosk, rid: kiosk.call("GET", kiosk.path(rid, "/document")),
}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("change", list(SESSION_WIDE))
def test_a_change_after_sign_in_refuses_the_next_call_and_ends_the_open_request(
    kiosk: TestKiosk, cards: Path, platform: Platform, change: str, call: str
) -> None:
    ready = ready_request(kiosk, cards)
    assert count(platform, Document) == 1
    make_change(change, platform, kiosk.session_id or "", cards / YAMADA)
    code, status = SESSION_WIDE[change]
    refused(CALLS[call](kiosk, ready["request_id"]), code, status)
    request = stored(platform, ready["request_id"])
    assert request.state.value == "failed" and request.failure_code == code
    assert count(platform, Document) == 0  # deleted now, not at its TTL
    assert serial_status(platform, ready["serial"]) == "void"
    assert count(platform, BillingEvent) == 0
    assert count(platform, CertificateRequest) == 1  # a refused submit made nothing
    # The session stays ended, with the same reason, whatever the kiosk calls next.
    refused(CALLS["menu"](kiosk, ready["request_id"]), code, status)


def test_a_request_not_yet_rendered_is_never_rendered_once_the_session_ended(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    manual = ManualQueue()
    platform.queue = manual
    assert kiosk.sign_in(cards / YAMADA).status_code == 200
    accepted = kiosk.request().json
    revoke_card(platform.settings.pki_dir, cards / YAMADA)
    refused(kiosk.call("GET", kiosk.path(accepted["request_id"])), "CERT_REVOKED")
    assert produce_document(platform.production_deps(), manual.jobs[0]) is None
    assert stored(platform, accepted["request_id"]).failure_code == "CERT_REVOKED"
    assert count(platform, Document) == 0


def test_a_request_being_rendered_when_the_session_ends_is_not_kept(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    """The render job claimed it before the change; its result is dropped, not stored."""
    manual = ManualQueue()
    platform.queue = manual
    assert kiosk.sign_in(cards / YAMADA).status_code == 200
    request_id = kiosk.request().json["request_id"]
    renderer = platform.renderer

    class ChangeWhileRendering:
        def render(self, doc: Any) -> RenderedDocument:
            change_resident(platform, kiosk.session_id or "", dv_protected=True)
            refused(kiosk.call("GET", kiosk.path(request_id)), "DV_PROTECTED")
            return renderer.render(doc)

    platform.renderer = ChangeWhileRendering()
    assert produce_document(platform.production_deps(), request_id) is None
    assert stored(platform, request_id).failure_code == "DV_PROTECTED"
    assert count(platform, Document) == 0


def test_a_print_already_downloaded_is_still_confirmed_and_charged_once(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    ready = ready_request(kiosk, cards)
    assert kiosk.call("GET", kiosk.path(ready["request_id"], "/document")).status_code == 200
    revoke_card(platform.settings.pki_dir, cards / YAMADA)
    refused(kiosk.call("GET", kiosk.path(ready["request_id"])), "CERT_REVOKED")
    assert stored(platform, ready["request_id"]).state.value == "delivered"  # paper may exist
    path = kiosk.path(ready["request_id"], "/confirmation")
    for _ in range(2):  # a retried confirmation is the same confirmation
        printed = kiosk.call("POST", path, {"result": "printed"})
        assert printed.status_code == 200 and printed.json["state"] == "printed"
    assert count(platform, BillingEvent) == 1
    assert serial_status(platform, ready["serial"]) == "issued"


def test_revoking_a_kiosk_ends_its_open_work_at_once(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    ready = ready_request(kiosk, cards)
    with platform.uow() as uow:
        revoke_kiosk(uow, "K0001", platform.now())
    assert count(platform, Document) == 0  # before the kiosk calls again, if ever
    assert stored(platform, ready["request_id"]).failure_code == "KIOSK_UNAUTHORIZED"
    refused(
        kiosk.call("GET", kiosk.path(ready["request_id"], "/document")), "KIOSK_UNAUTHORIZED", 401
    )
    assert count(platform, BillingEvent) == 0


def test_a_session_ended_by_a_change_since_undone_stays_ended(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    ready = ready_request(kiosk, cards)
    change_resident(platform, kiosk.session_id or "", dv_protected=True)
    refused(kiosk.call("GET", kiosk.path(ready["request_id"])), "DV_PROTECTED")
    change_resident(platform, kiosk.session_id or "", dv_protected=False)
    refused(kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu"), "SESSION_INVALID", 410)
    assert kiosk.call("GET", kiosk.path(ready["request_id"], "/document")).status_code == 410
    assert kiosk.sign_in(cards / YAMADA).status_code == 200  # a new session is fine


def test_moving_out_withdraws_a_juminhyo_on_its_next_poll_and_the_session_goes_on(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    """A 転出届 refuses 住民票・印鑑・課税, not 戸籍: only the request it concerns ends."""
    ready = ready_request(kiosk, cards)
    change_resident(platform, kiosk.session_id or "", moving_out=True)
    menu = kiosk.menu()
    for kind in ("juminhyo", "inkan", "kazei"):
        assert menu[kind]["refusal"]["code"] == "MOVING_OUT"
    assert menu["koseki_zenbu"]["available"]
    polled = kiosk.call("GET", kiosk.path(ready["request_id"]))
    assert polled.status_code == 200 and polled.json["state"] == "failed"
    assert polled.json["failure"]["code"] == "MOVING_OUT"
    assert polled.json["failure"]["message"]["ja"]
    assert count(platform, Document) == 0
    assert serial_status(platform, ready["serial"]) == "void"
    refused(kiosk.request(), "MOVING_OUT")
    household = kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/household")
    refused(household, "MOVING_OUT")
    koseki = kiosk.wait(kiosk.request(certificate="koseki_zenbu").json["request_id"])
    assert koseki["state"] == "ready", koseki
    assert kiosk.call("GET", kiosk.path(koseki["request_id"], "/document")).status_code == 200
    assert count(platform, BillingEvent) == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"moving_out": True}, "MOVING_OUT"),
        ({"status": ResidentStatus.MOVED_ABROAD}, "MOVED_ABROAD"),
    ],
)
def test_a_ready_juminhyo_the_resident_may_no_longer_get_is_not_downloaded(
    kiosk: TestKiosk, cards: Path, platform: Platform, change: dict[str, object], code: str
) -> None:
    ready = ready_request(kiosk, cards)
    change_resident(platform, kiosk.session_id or "", **change)
    refused(kiosk.call("GET", kiosk.path(ready["request_id"], "/document")), code)
    assert stored(platform, ready["request_id"]).failure_code == code
    assert count(platform, Document) == 0
    assert count(platform, BillingEvent) == 0


def test_the_protocol_lists_the_session_checks_on_every_call_after_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/openapi.json").json["paths"]
    session = "/v1/sessions/{session_id}"
    request = session + "/requests/{request_id}"
    calls = [
        (session + "/authenticate", "post"),
        (session + "/menu", "get"),
        (session + "/household", "get"),
        (session + "/koseki-members", "get"),
        (session + "/requests", "post"),
        (session + "/use-registrations", "post"),
        (request, "get"),
        (request + "/document", "get"),
    ]
    for path, method in calls:
        listed = paths[path][method]["responses"]["4XX"]["description"]
        for code in ("CERT_REVOKED", "CARD_NOT_LINKED", "DV_PROTECTED", "DECEASED"):
            assert code in listed, (path, code)
    assert "MOVING_OUT" in paths[request + "/document"]["get"]["responses"]["4XX"]["description"]

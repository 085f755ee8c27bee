"""The kiosk protocol end to end through HTTP (Flask test client, SQLite, in-process jobs)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import func, select

from billing.model import BillingEvent, EventType
from centre.bootstrap import Platform
from issuance.model import Document, RecordAccess
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, save, squeeze
from tests.support.queues import ManualQueue

YAMADA = ["山田太郎", "山田花子", "山田一郎", "山田さくら"]


def billing_events(platform: Platform, event_type: EventType) -> list[BillingEvent]:
    with platform.uow() as uow:
        return list(
            uow.session.scalars(select(BillingEvent).where(BillingEvent.event_type == event_type))
        )


def test_a_resident_gets_the_whole_household_and_is_charged_once(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    ready, pdf = kiosk.issue(cards / "yamada-taro.json")
    save(pdf, "juminhyo-yamada-household.pdf")
    text = pdf_text(pdf)
    for name in YAMADA:
        assert name in squeeze(text)
    assert "東京都千代田区九段南一丁目2番1号" in text
    assert ready["serial"] in text
    assert "80000000" not in text  # 住民票コード are never printed

    confirm = kiosk.call(
        "POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": "printed"}
    )
    again = kiosk.call(
        "POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": "printed"}
    )
    assert confirm.status_code == again.status_code == 200
    assert confirm.json["state"] == "printed"
    issued = billing_events(platform, EventType.ISSUE)
    assert len(issued) == 1
    assert issued[0].fee_total == 200 and issued[0].commission_total == 117


def test_choosing_only_oneself_names_nobody_else(kiosk: TestKiosk, cards: Path) -> None:
    _, pdf = kiosk.issue(cards / "yamada-hanako.json", {"members": "self"})
    text = squeeze(pdf_text(pdf))
    assert "山田花子" in text
    # The head of household's name is printed once, on the 世帯主 line; no other member's block.
    assert text.count("山田太郎") == 1 and "世帯主山田太郎" in text
    assert not any(name in text for name in ("山田一郎", "山田さくら"))
    assert "世帯の一部" in text


def test_chosen_household_members_by_ref_are_the_only_ones_printed(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    members = kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/household").json["members"]
    assert [m["relationship"] for m in members] == ["世帯主", "妻", "子", "子"]
    assert "juminhyo_code" not in str(members) and "80000000" not in str(members)
    chosen = [m["ref"] for m in members if m["relationship"] == "妻"]
    accepted = kiosk.request({"members": chosen})
    ready = kiosk.wait(accepted.json["request_id"])
    pdf = kiosk.call("GET", kiosk.path(ready["request_id"], "/document")).data
    text = squeeze(pdf_text(pdf))
    assert "山田花子" in text and text.count("山田太郎") == 1
    assert "山田一郎" not in text and "山田さくら" not in text


def test_options_decide_whether_honseki_and_my_number_are_printed(
    kiosk: TestKiosk, cards: Path
) -> None:
    _, hidden = kiosk.issue(cards / "yamada-taro.json", {"members": "self"})
    shown_kiosk = TestKiosk(kiosk.client, kiosk.token)
    _, shown = shown_kiosk.issue(
        cards / "yamada-taro.json",
        {"members": "self", "show_honseki": True, "show_my_number": True},
    )
    assert "東京都千代田区千代田一丁目1番" not in pdf_text(hidden)
    assert "123456789018" not in pdf_text(hidden)
    assert "東京都千代田区千代田一丁目1番" in pdf_text(shown)
    assert "123456789018" in pdf_text(shown)


def test_a_foreign_resident_gets_the_residence_status_fields(kiosk: TestKiosk, cards: Path) -> None:
    _, pdf = kiosk.issue(cards / "nguyen-van-an.json")
    text = pdf_text(pdf)
    for expected in ("ベトナム", "AB12345678CD", "NGUYENVANAN", "国籍"):
        assert expected in text


def test_the_document_downloads_once_and_then_leaves_the_centre(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    ready, _ = kiosk.issue(cards / "yamada-taro.json")
    second = kiosk.call("GET", kiosk.path(ready["request_id"], "/document"))
    assert second.status_code == 410
    assert second.json["error"]["code"] == "DOCUMENT_ALREADY_DELIVERED"
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_failed_print_is_void_and_never_charged(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    ready, _ = kiosk.issue(cards / "yamada-taro.json")
    failed = kiosk.call(
        "POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": "failed"}
    )
    assert failed.json["state"] == "voided"
    late = kiosk.call(
        "POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": "printed"}
    )
    assert late.status_code == 409
    assert billing_events(platform, EventType.ISSUE) == []
    assert [e.fee_total for e in billing_events(platform, EventType.VOID)] == [0]


def test_a_retried_request_with_the_same_key_is_the_same_request(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    first = kiosk.request(key="retry-key-0001")
    second = kiosk.request(key="retry-key-0001")
    assert first.json["request_id"] == second.json["request_id"]
    conflict = kiosk.request({"members": "self"}, key="retry-key-0001")
    assert conflict.status_code == 409
    assert conflict.json["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_another_kiosk_cannot_see_poll_or_download_a_request(
    kiosk: TestKiosk, other_kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request().json["request_id"]
    kiosk.wait(request_id)
    other_kiosk.session_id = kiosk.session_id
    for path in (other_kiosk.path(request_id), other_kiosk.path(request_id, "/document")):
        stolen = other_kiosk.call("GET", path)
        # The session is checked first on every call: another kiosk's is as good as unknown.
        assert stolen.status_code == 404
        assert stolen.json["error"]["code"] == "SESSION_NOT_FOUND"
    menu = other_kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu")
    assert menu.json["error"]["code"] == "SESSION_NOT_FOUND"
    assert kiosk.call("GET", kiosk.path(request_id, "/document")).status_code == 200


def test_reading_records_is_audited(kiosk: TestKiosk, cards: Path, platform: Platform) -> None:
    ready, _ = kiosk.issue(cards / "yamada-taro.json")
    with platform.uow() as uow:
        accesses = list(
            uow.session.scalars(
                select(RecordAccess).where(RecordAccess.request_id == ready["request_id"])
            )
        )
    assert len(accesses) == 4
    assert {a.kiosk_id for a in accesses} == {"K0001"}


def test_the_menu_lists_fees_and_the_reasons_for_what_is_not_available(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "nguyen-van-an.json").status_code == 200
    menu = {
        i["certificate"]: i
        for i in kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu").json["certificates"]
    }
    assert menu["juminhyo"]["available"] and menu["juminhyo"]["fee"] == 150
    assert menu["inkan"]["available"] and menu["kazei"]["available"]
    # A foreign resident has no 戸籍: the 本籍地 certificates are refused with the reason.
    assert menu["koseki_zenbu"]["refusal"]["code"] == "NO_KOSEKI_RECORD"
    assert menu["koseki_zenbu"]["refusal"]["message"]["ja"]


def test_a_poll_that_may_wait_answers_ready_in_one_call(kiosk: TestKiosk, cards: Path) -> None:
    """Embedded default (in-process jobs): the long poll wakes when the job announces."""
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request().json["request_id"]
    answer = kiosk.call("GET", kiosk.path(request_id) + "?wait=20")
    assert answer.status_code == 200 and answer.json["state"] == "ready"
    assert answer.json["document_url"].endswith(f"/requests/{request_id}/document")


def test_a_request_that_may_wait_answers_ready_itself(kiosk: TestKiosk, cards: Path) -> None:
    """One call fewer: the request's own answer is held until the document is ready."""
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    body = {"certificate": "juminhyo", "options": {"members": "self"}, "copies": 1}
    answer = kiosk.call(
        "POST",
        f"/v1/sessions/{kiosk.session_id}/requests?wait=20",
        {**body, "idempotency_key": "held-request-0001"},
    )
    assert answer.status_code == 202 and answer.json["state"] == "ready", answer.json
    request_id = answer.json["request_id"]
    assert answer.json["document_url"].endswith(f"/requests/{request_id}/document")
    again = kiosk.call(
        "POST",
        f"/v1/sessions/{kiosk.session_id}/requests?wait=20",
        {**body, "idempotency_key": "held-request-0001"},
    )
    assert again.json["request_id"] == request_id and again.json["state"] == "ready"
    assert kiosk.call("GET", kiosk.path(request_id, "/document")).data.startswith(b"%PDF")


def test_the_sign_in_answer_carries_the_same_menu(kiosk: TestKiosk, cards: Path) -> None:
    answer = kiosk.sign_in(cards / "yamada-taro.json")
    assert answer.status_code == 200 and answer.json["state"] == "authenticated"
    menu = kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/menu").json
    assert answer.json["menu"] == menu
    assert any(item["certificate"] == "juminhyo" and item["fee"] for item in menu["certificates"])


def test_past_its_poll_slots_the_centre_answers_at_once_and_says_when_to_ask(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    """Held polls hold server threads: when every slot is taken, a poll is not held."""
    platform.queue = ManualQueue()  # nothing renders: the request stays accepted
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    request_id = kiosk.request().json["request_id"]
    slots = platform.poll_slots
    taken = 0
    while slots.acquire(blocking=False):  # other kiosks hold every slot
        taken += 1
    try:
        busy = kiosk.call("GET", kiosk.path(request_id) + "?wait=20")
    finally:
        for _ in range(taken):
            slots.release()
    assert busy.status_code == 200 and busy.json["state"] == "accepted"
    assert busy.headers["Retry-After"] == "1"
    held = kiosk.call("GET", kiosk.path(request_id) + "?wait=0.2")
    assert held.json["state"] == "accepted" and "Retry-After" not in held.headers


def test_kiosks_waiting_on_one_own_server_hold_only_its_share_of_the_poll_slots(
    kiosk: TestKiosk, other_kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    """横浜市's server is slow, so its kiosks wait long: past its share (2 per process) their
    polls are answered at once, while a BCL municipality's kiosk is still held."""
    platform.queue = ManualQueue()  # nothing renders: the requests stay accepted
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200  # 横浜市: own server
    own_request = kiosk.request().json["request_id"]
    assert other_kiosk.sign_in(cards / "yamada-taro.json").status_code == 200  # 千代田区: BCL
    bcl_request = other_kiosk.request().json["request_id"]
    share = platform.settings.own_server_poll_slots
    with ExitStack() as taken:
        for _ in range(share):  # other 横浜市 kiosks already wait
            assert taken.enter_context(platform.poll_shares.slot("141003", share))
        refused = kiosk.call("GET", kiosk.path(own_request) + "?wait=20")
        held = other_kiosk.call("GET", other_kiosk.path(bcl_request) + "?wait=0.2")
    assert refused.json["state"] == "accepted" and refused.headers["Retry-After"] == "1"
    assert held.json["state"] == "accepted" and "Retry-After" not in held.headers
    again = kiosk.call("GET", kiosk.path(own_request) + "?wait=0.2")
    assert "Retry-After" not in again.headers  # the share is free again

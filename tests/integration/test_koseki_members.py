"""戸籍の附票 for another person of the same 戸籍, chosen from the 戸籍's members by name."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from centre.bootstrap import Platform
from issuance.model import RecordAccess
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, squeeze


def koseki_members(kiosk: TestKiosk) -> dict[str, dict[str, object]]:
    response = kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/koseki-members")
    assert response.status_code == 200, response.json
    return {m["name"]: m for m in response.json["members"]}


def test_the_koseki_members_are_listed_by_name_only_and_the_look_up_is_audited(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    members = koseki_members(kiosk)
    names = "".join(members)
    assert all(name in names for name in ("太郎", "花子", "一郎", "さくら"))
    assert sum(bool(m["is_self"]) for m in members.values()) == 1
    assert all(set(m) == {"ref", "name", "relationship", "is_self"} for m in members.values())
    with platform.uow() as uow:
        audited = uow.session.scalars(
            select(RecordAccess).where(RecordAccess.purpose == "koseki_list")
        ).all()
    assert len(audited) == len(members)
    listing = json.dumps(kiosk.last.json)
    assert not any(a.juminhyo_code in listing for a in audited)  # no 住民票コード reaches the kiosk


def test_a_resident_gets_the_fuhyo_of_another_member_of_their_koseki(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    hanako = next(m for name, m in koseki_members(kiosk).items() if "花子" in name)
    accepted = kiosk.request({"member": hanako["ref"]}, certificate="koseki_fuhyo")
    assert accepted.status_code == 202, accepted.json
    ready = kiosk.wait(accepted.json["request_id"])
    assert ready["state"] == "ready", ready
    text = squeeze(pdf_text(kiosk.call("GET", kiosk.path(ready["request_id"], "/document")).data))
    assert "戸籍の附票の写し" in text and "花子" in text


def test_a_ref_from_another_session_is_not_a_member_of_the_koseki(
    kiosk: TestKiosk, cards: Path
) -> None:
    other = TestKiosk(kiosk.client, kiosk.token)
    assert other.sign_in(cards / "yamada-taro.json").status_code == 200
    stale = next(m["ref"] for m in koseki_members(other).values() if not m["is_self"])
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    code = kiosk.refused_at_render("koseki_fuhyo", {"member": stale})
    assert code == "KOSEKI_MEMBER_NOT_FOUND"


def test_the_koseki_members_of_a_dv_protected_resident_are_not_listed(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "sato-hanako.json").status_code == 403
    response = kiosk.call("GET", f"/v1/sessions/{kiosk.session_id}/koseki-members")
    assert response.status_code == 403 and response.json["error"]["code"] == "DV_PROTECTED"


def test_the_same_refs_choose_whose_entries_an_individual_koseki_certificate_shows(
    kiosk: TestKiosk, cards: Path
) -> None:
    assert kiosk.sign_in(cards / "yamada-taro.json").status_code == 200
    sakura = next(m for name, m in koseki_members(kiosk).items() if "さくら" in name)
    accepted = kiosk.request({"members": [sakura["ref"]]}, certificate="koseki_kojin")
    ready = kiosk.wait(accepted.json["request_id"])
    assert ready["state"] == "ready", ready
    text = squeeze(pdf_text(kiosk.call("GET", kiosk.path(ready["request_id"], "/document")).data))
    assert "さくら" in text and "一郎" not in text  # a sibling is not named

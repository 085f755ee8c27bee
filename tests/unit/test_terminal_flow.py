"""The terminal's screens against the in-process virtual card and a centre on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from centre.bootstrap import Platform
from demo.loader import juminhyo_code
from issuance.index.model import Resident, ResidentStatus
from kiosk_terminal.card_slot import VirtualSlot
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.printing import FolderPrinter, PrintFailedError
from kiosk_terminal.screens import tax_years
from kiosk_terminal.terminal import Choice, Screen, Terminal, Timeouts
from kiosk_terminal.virtual_card import VirtualCard
from kiosk_terminal.web import create_app
from tests.support.mid_session import revoke_card
from tests.support.pdf import pdf_text, squeeze


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class BrokenPrinter:
    def print_pdf(self, pdf: bytes, copies: int) -> str:
        raise PrintFailedError("paper jam")


@pytest.fixture
def centre(app, tokens: dict[str, str]) -> Iterator[CentreClient]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield CentreClient(f"http://127.0.0.1:{server.server_port}", tokens["K0001"])
    server.shutdown()
    thread.join()


@pytest.fixture
def slot() -> VirtualSlot:
    return VirtualSlot()


@pytest.fixture
def terminal(slot: VirtualSlot, centre: CentreClient, tmp_path: Path) -> Terminal:
    return Terminal(slot, centre, FolderPrinter(tmp_path / "printed"), Timeouts(), Clock())


def insert(terminal: Terminal, slot: VirtualSlot, card: Path) -> None:
    slot.insert(VirtualCard.load(card))
    assert terminal.tick().screen is Screen.CHOOSE


def finish(terminal: Terminal) -> Screen:
    terminal.confirm()
    terminal.wait_idle()
    return terminal.view.screen


def test_a_resident_goes_from_card_to_printed_papers(
    terminal: Terminal, slot: VirtualSlot, cards: Path, tmp_path: Path
) -> None:
    assert terminal.tick().screen is Screen.INSERT_CARD
    insert(terminal, slot, cards / "yamada-taro.json")
    assert terminal.view.tries_left == 3
    terminal.choose(Choice(members="all", copies=2))
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.CONFIRM
    assert terminal.view.fee and terminal.view.fee > 0
    assert "山田 花子" in terminal.view.members or any("花子" in m for m in terminal.view.members)
    assert finish(terminal) is Screen.DONE
    assert len(list((tmp_path / "printed").glob("*.pdf"))) == 1
    slot.remove()
    terminal.clock.now += 121  # type: ignore[attr-defined]
    assert terminal.tick().screen is Screen.INSERT_CARD


def test_a_wrong_pin_shows_the_tries_left_and_the_right_one_still_works(
    terminal: Terminal, slot: VirtualSlot, cards: Path
) -> None:
    insert(terminal, slot, cards / "yamada-hanako.json")
    terminal.choose(Choice())
    terminal.enter_pin("9999")
    assert terminal.view.screen is Screen.PIN
    assert terminal.view.tries_left == 2
    assert terminal.view.pin_notice and terminal.view.pin_notice.code == "WRONG_PIN"
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.CONFIRM


def test_a_locked_card_is_sent_to_the_counter_before_any_pin_is_asked(
    terminal: Terminal, slot: VirtualSlot, cards: Path
) -> None:
    slot.insert(VirtualCard.load(cards / "ito-mai.json"))
    view = terminal.tick()
    assert view.screen is Screen.REFUSED
    assert view.notice and view.notice.code == "PIN_LOCKED"
    assert "窓口" in view.notice.why_ja + view.notice.todo_ja


def test_a_dv_protected_resident_is_told_why_and_where_to_go_in_both_languages(
    terminal: Terminal, slot: VirtualSlot, cards: Path
) -> None:
    insert(terminal, slot, cards / "sato-hanako.json")
    terminal.choose(Choice())
    terminal.enter_pin("1234")
    notice = terminal.view.notice
    assert terminal.view.screen is Screen.REFUSED and notice and notice.code == "DV_PROTECTED"
    assert "窓口" in notice.why_ja + notice.todo_ja and "counter" in notice.why_en + notice.todo_en


def test_removing_the_card_mid_way_ends_the_session_with_its_own_screen(
    terminal: Terminal, slot: VirtualSlot, cards: Path
) -> None:
    insert(terminal, slot, cards / "yamada-taro.json")
    terminal.choose(Choice())
    slot.remove()
    view = terminal.tick()
    assert view.screen is Screen.REFUSED and view.notice and view.notice.code == "CARD_REMOVED"


def test_an_unplugged_reader_shows_its_screen_and_recovers_by_itself(
    terminal: Terminal, slot: VirtualSlot
) -> None:
    slot.plugged = False
    assert terminal.tick().screen is Screen.NO_READER
    slot.plugged = True
    assert terminal.tick().screen is Screen.INSERT_CARD


def test_an_idle_screen_resets_and_a_card_left_behind_is_pointed_out(
    terminal: Terminal, slot: VirtualSlot, cards: Path
) -> None:
    insert(terminal, slot, cards / "yamada-taro.json")
    terminal.clock.now += 61  # type: ignore[attr-defined]
    assert terminal.tick().screen is Screen.INSERT_CARD
    assert terminal.tick().screen is Screen.CHOOSE  # the card is still there: read again
    slot.insert(VirtualCard.load(cards / "ito-mai.json"))
    terminal.start_over()
    assert terminal.tick().screen is Screen.REFUSED
    terminal.clock.now += 21  # type: ignore[attr-defined]
    assert terminal.tick().card_left


def test_a_failed_print_is_reported_to_the_centre_and_not_charged(
    slot: VirtualSlot, centre: CentreClient, cards: Path
) -> None:
    terminal = Terminal(slot, centre, BrokenPrinter(), Timeouts(), Clock())
    insert(terminal, slot, cards / "yamada-taro.json")
    terminal.choose(Choice())
    terminal.enter_pin("1234")
    assert finish(terminal) is Screen.REFUSED
    assert terminal.view.notice and terminal.view.notice.code == "PRINT_FAILED"
    assert "料金はかかりません" in terminal.view.notice.todo_ja
    session_id, request_id = terminal.last_session, terminal.last_request
    assert session_id and request_id
    assert centre.poll(session_id, request_id)["state"] == "voided"


def test_records_the_national_index_disagrees_with_send_to_the_counter_at_no_charge(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform
) -> None:
    with platform.uow() as uow:  # the index knows 花子 as deceased; the extract still lists her
        uow.session.execute(
            update(Resident)
            .where(Resident.juminhyo_code == juminhyo_code(2))
            .values(status=ResidentStatus.DECEASED)
        )
        uow.commit()
    insert(terminal, slot, cards / "yamada-taro.json")
    terminal.choose(Choice(members="all"))
    terminal.enter_pin("1234")
    assert finish(terminal) is Screen.REFUSED
    notice = terminal.view.notice
    assert notice and notice.code == "RECORDS_OUT_OF_SYNC"
    assert "窓口" in notice.why_ja and "counter" in notice.why_en
    assert "料金はかかりません" in notice.todo_ja and "not been charged" in notice.todo_en


def test_a_card_revoked_while_the_resident_confirms_is_refused_with_why_and_no_charge(
    terminal: Terminal, slot: VirtualSlot, cards: Path, platform: Platform, tmp_path: Path
) -> None:
    """The centre checks the card again on every call: the refusal comes mid-issuance."""
    insert(terminal, slot, cards / "yamada-taro.json")
    terminal.choose(Choice())
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.CONFIRM
    revoke_card(platform.settings.pki_dir, cards / "yamada-taro.json")
    assert finish(terminal) is Screen.REFUSED
    notice = terminal.view.notice
    assert notice and notice.code == "CERT_REVOKED"
    assert "失効" in notice.why_ja and "revoked" in notice.why_en
    assert "料金はかかりません" in notice.todo_ja and "not been charged" in notice.todo_en
    assert not (tmp_path / "printed").exists() or not list((tmp_path / "printed").iterdir())
    page = create_app(terminal).test_client().get("/").get_data(as_text=True)
    assert "CERT_REVOKED" in page and "料金はかかりません" in page


def test_the_touch_screen_walks_through_an_issuance_in_japanese_and_english(
    terminal: Terminal, slot: VirtualSlot, cards: Path
) -> None:
    web = create_app(terminal).test_client()
    assert "マイナンバーカード" in web.get("/").get_data(as_text=True)
    web.post("/language", data={"lang": "en"})
    assert "My Number Card" in web.get("/").get_data(as_text=True)
    slot.insert(VirtualCard.load(cards / "yamada-taro.json"))
    assert "Choose a certificate" in web.get("/").get_data(as_text=True)
    web.post("/choose", data={"certificate": "juminhyo", "members": "self", "copies": "1"})
    assert "Tries left: 3" in web.get("/").get_data(as_text=True)
    web.post("/pin", data={"pin": "1234"})
    page = web.get("/").get_data(as_text=True)
    assert "Pay and print" in page and "¥" in page
    web.post("/confirm")
    terminal.wait_idle()
    deadline = time.monotonic() + 5
    while "take your card" not in web.get("/").get_data(as_text=True):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_resident_picks_some_household_members_by_name_after_the_pin(
    terminal: Terminal, slot: VirtualSlot, cards: Path, tmp_path: Path
) -> None:
    insert(terminal, slot, cards / "yamada-taro.json")
    terminal.choose(Choice(members="some"))
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.MEMBERS
    people = {squeeze(m["name"]): m for m in terminal.view.household}
    assert "山田太郎" in people and "山田花子" in people and len(people) > 2
    terminal.pick_members([])
    assert terminal.view.screen is Screen.MEMBERS and terminal.view.pin_notice
    terminal.pick_members([people["山田太郎"]["ref"], people["山田花子"]["ref"]])
    assert terminal.view.screen is Screen.CONFIRM
    assert sorted(squeeze(n) for n in terminal.view.members) == ["山田太郎", "山田花子"]
    assert terminal.view.choice.options()["members"] == [
        m["ref"] for m in terminal.view.household if squeeze(m["name"]) in ("山田太郎", "山田花子")
    ]
    assert finish(terminal) is Screen.DONE
    (printed,) = (tmp_path / "printed").glob("*.pdf")
    text = squeeze(pdf_text(printed.read_bytes()))
    assert "山田花子" in text
    left_out = [n for n in people if n not in ("山田太郎", "山田花子")]
    assert not any(name in text for name in left_out)


def test_an_income_certificate_is_issued_for_the_tax_year_chosen_on_screen(
    terminal: Terminal, slot: VirtualSlot, cards: Path, tmp_path: Path
) -> None:
    insert(terminal, slot, cards / "suzuki-ichiro.json")
    latest, previous = terminal.view.tax_years
    assert latest.year == previous.year + 1 and latest.label_ja.endswith("年度")
    web = create_app(terminal).test_client()
    assert latest.label_ja in web.get("/").get_data(as_text=True)
    web.post("/choose", data={"certificate": "shotoku", "tax_year": str(previous.year)})
    assert terminal.view.choice.options() == {"tax_year": previous.year}
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.CONFIRM and terminal.view.members == []
    assert previous.label_ja in web.get("/").get_data(as_text=True)
    assert finish(terminal) is Screen.DONE
    (printed,) = (tmp_path / "printed").glob("*.pdf")
    text = squeeze(pdf_text(printed.read_bytes()))
    assert "所得証明書" in text and "草加市長" in text and previous.label_ja in text


def test_tax_years_are_the_latest_two_in_the_japanese_era() -> None:
    assert [y.label_ja for y in tax_years(date(2026, 11, 22))] == ["令和8年度", "令和7年度"]
    assert [y.year for y in tax_years(date(2026, 5, 31))] == [2025, 2024]
    assert tax_years(date(2020, 7, 1))[1].label_ja == "令和元年度"


def test_each_certificate_sends_only_the_options_it_accepts() -> None:
    everything = {"members": "self", "show_honseki": True, "tax_year": 2026, "copies": 2}
    sent = {
        kind: Choice(certificate=kind, **everything).options()  # type: ignore[arg-type]
        for kind in (
            "juminhyo",
            "kazei",
            "shotoku",
            "inkan",
            "koseki_zenbu",
            "koseki_kojin",
            "koseki_fuhyo",
        )
    }
    assert sent["juminhyo"] == {"members": "self", "show_honseki": True, "show_relationship": True}
    assert sent["kazei"] == sent["shotoku"] == {"tax_year": 2026}
    assert sent["inkan"] == sent["koseki_zenbu"] == {}
    assert sent["koseki_kojin"] == {"members": "self"}
    assert sent["koseki_fuhyo"] == {"member": "self", "show_honseki": True}


def test_a_resident_picks_whose_fuhyo_by_name_one_person_only(
    terminal: Terminal, slot: VirtualSlot, cards: Path, tmp_path: Path
) -> None:
    insert(terminal, slot, cards / "yamada-taro.json")
    web = create_app(terminal).test_client()
    web.post("/choose", data={"certificate": "koseki_fuhyo", "koseki_members": "some"})
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.MEMBERS
    page = web.get("/").get_data(as_text=True)
    assert "どなたの附票を取りますか" in page and 'type="radio" name="ref"' in page
    people = {squeeze(m["name"]): m["ref"] for m in terminal.view.household}
    assert {"太郎", "花子", "一郎", "さくら"} <= set(people)  # a 戸籍 lists given names
    terminal.pick_members([people["花子"], people["太郎"]])
    assert terminal.view.screen is Screen.MEMBERS and terminal.view.pin_notice
    assert terminal.view.pin_notice.code == "ONE_MEMBER_ONLY"
    terminal.pick_members([people["花子"]])
    assert terminal.view.screen is Screen.CONFIRM
    assert [squeeze(n) for n in terminal.view.members] == ["花子"]
    assert terminal.view.choice.options() == {"member": people["花子"], "show_honseki": False}
    assert finish(terminal) is Screen.DONE
    (printed,) = (tmp_path / "printed").glob("*.pdf")
    text = squeeze(pdf_text(printed.read_bytes()))
    assert "戸籍の附票の写し" in text and "花子" in text
    assert "本籍" not in text and "筆頭者" not in text  # off unless the resident ticks it


def test_the_fuhyo_shows_honseki_only_when_its_own_box_is_ticked(
    terminal: Terminal, slot: VirtualSlot, cards: Path, tmp_path: Path
) -> None:
    insert(terminal, slot, cards / "yamada-taro.json")
    web = create_app(terminal).test_client()
    page = web.get("/").get_data(as_text=True)
    assert 'name="fuhyo_show_honseki" value="1" data-test="fuhyo-honseki">' in page  # unticked
    # The 住民票's box, hidden on the 附票's screen, is ticked: it does not carry over.
    web.post("/choose", data={"certificate": "koseki_fuhyo", "show_honseki": "1"})
    assert terminal.view.choice.options() == {"member": "self", "show_honseki": False}
    terminal.start_over()
    assert terminal.tick().screen is Screen.CHOOSE
    web.post("/choose", data={"certificate": "koseki_fuhyo", "fuhyo_show_honseki": "1"})
    assert terminal.view.choice.options() == {"member": "self", "show_honseki": True}
    terminal.enter_pin("1234")
    assert finish(terminal) is Screen.DONE
    (printed,) = (tmp_path / "printed").glob("*.pdf")
    text = squeeze(pdf_text(printed.read_bytes()))
    assert "本籍東京都千代田区千代田一丁目１番" in text and "筆頭者山田太郎" in text
    assert "名太郎" in text and "生年月日" in text and "性別男" in text


def test_a_koseki_kojin_for_chosen_people_of_the_register(
    terminal: Terminal, slot: VirtualSlot, cards: Path, tmp_path: Path
) -> None:
    insert(terminal, slot, cards / "yamada-taro.json")
    terminal.choose(Choice(certificate="koseki_kojin", members="some"))
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.MEMBERS
    people = {squeeze(m["name"]): m["ref"] for m in terminal.view.household}
    chosen = [name for name in people if "さくら" in name or "一郎" in name]
    assert len(chosen) == 2
    terminal.pick_members([people[name] for name in chosen])
    assert sorted(squeeze(n) for n in terminal.view.members) == sorted(chosen)
    assert finish(terminal) is Screen.DONE
    (printed,) = (tmp_path / "printed").glob("*.pdf")
    text = squeeze(pdf_text(printed.read_bytes()))
    assert "戸籍個人事項証明書" in text and "さくら" in text and "一郎" in text
    assert "【名】花子" not in text  # not chosen (she is named only as the children's 【母】)

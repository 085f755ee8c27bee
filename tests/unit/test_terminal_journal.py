"""The kiosk's print journal: a crash between download and confirmation is reported later."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from billing.model import BillingEvent, EventType
from centre.bootstrap import Platform
from kiosk_terminal.card_slot import VirtualSlot
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.journal import GRACE_SECONDS, PrintJournal
from kiosk_terminal.printing import FolderPrinter
from kiosk_terminal.terminal import Choice, Screen, Terminal, Timeouts
from kiosk_terminal.virtual_card import VirtualCard


class PowerCut(BaseException):
    """The kiosk dies where this is raised: nothing after it runs, no handler sees it."""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class DiesBeforeConfirming(CentreClient):
    def confirm(self, session_id: str, request_id: str, printed: bool) -> dict:  # type: ignore[type-arg]
        raise PowerCut()


class DiesWhilePrinting(FolderPrinter):
    def print_pdf(self, pdf: bytes, copies: int) -> str:
        raise PowerCut()


@pytest.fixture
def url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "terminal" / "print-journal.json"


def issue_until_the_crash(
    centre: CentreClient, journal: PrintJournal, cards: Path, tmp_path: Path, printer=None
) -> tuple[str, str]:
    slot = VirtualSlot()
    printer = printer or FolderPrinter(tmp_path / "printed")
    terminal = Terminal(slot, centre, printer, Timeouts(), Clock(), journal=journal)
    slot.insert(VirtualCard.load(cards / "yamada-taro.json"))
    assert terminal.tick().screen is Screen.CHOOSE
    terminal.choose(Choice())
    terminal.enter_pin("1234")
    crashed = threading.excepthook
    threading.excepthook = lambda args: None  # the power cut, not a bug to report
    try:
        terminal.confirm()
        terminal.wait_idle()
    finally:
        threading.excepthook = crashed
    assert terminal.last_session and terminal.last_request
    return terminal.last_session, terminal.last_request


def issued(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        return list(
            uow.session.scalars(
                select(BillingEvent.request_id).where(BillingEvent.event_type == EventType.ISSUE)
            )
        )


def test_a_print_whose_confirmation_a_crash_lost_is_reported_after_the_restart(
    url: str,
    tokens: dict[str, str],
    cards: Path,
    platform: Platform,
    tmp_path: Path,
    journal_path: Path,
) -> None:
    dying = DiesBeforeConfirming(url, tokens["K0001"])
    session_id, request_id = issue_until_the_crash(
        dying, PrintJournal(journal_path), cards, tmp_path
    )
    centre = CentreClient(url, tokens["K0001"])
    assert centre.poll(session_id, request_id)["state"] == "delivered"  # the centre never heard
    restarted = PrintJournal(journal_path)  # a new process reads the file
    assert [e.outcome for e in restarted.entries()] == ["printed"]
    assert restarted.report(centre) == [(request_id, "printed")]
    assert centre.poll(session_id, request_id)["state"] == "printed"
    assert issued(platform) == [request_id]
    assert restarted.entries() == [] and restarted.report(centre) == []


def test_a_print_cut_short_is_not_guessed_at_and_left_to_the_print_log(
    url: str,
    tokens: dict[str, str],
    cards: Path,
    platform: Platform,
    tmp_path: Path,
    journal_path: Path,
) -> None:
    centre = CentreClient(url, tokens["K0001"])
    printer = DiesWhilePrinting(tmp_path / "printed")
    _, request_id = issue_until_the_crash(
        centre, PrintJournal(journal_path), cards, tmp_path, printer
    )
    clock = Clock()
    restarted = PrintJournal(journal_path, clock=clock)
    [entry] = restarted.entries()
    assert entry.outcome is None
    clock.now = entry.downloaded_at + 60
    assert restarted.report(centre) == [] and len(restarted.entries()) == 1
    assert issued(platform) == []
    clock.now = entry.downloaded_at + GRACE_SECONDS
    assert restarted.report(centre) == [(request_id, "left to the print log")]
    assert restarted.entries() == []


def test_an_unreachable_centre_keeps_the_entry_for_the_next_try(
    url: str, tokens: dict[str, str], cards: Path, tmp_path: Path, journal_path: Path
) -> None:
    dying = DiesBeforeConfirming(url, tokens["K0001"])
    _, request_id = issue_until_the_crash(dying, PrintJournal(journal_path), cards, tmp_path)
    nowhere = CentreClient("http://127.0.0.1:9", tokens["K0001"], timeout=0.5)
    journal = PrintJournal(journal_path)
    assert journal.report(nowhere) == [] and len(journal.entries()) == 1
    assert journal.report(CentreClient(url, tokens["K0001"])) == [(request_id, "printed")]


def test_a_print_confirmed_at_once_leaves_nothing_in_the_journal(
    url: str, tokens: dict[str, str], cards: Path, tmp_path: Path, journal_path: Path
) -> None:
    journal = PrintJournal(journal_path)
    centre = CentreClient(url, tokens["K0001"])
    session_id, request_id = issue_until_the_crash(centre, journal, cards, tmp_path)
    assert centre.poll(session_id, request_id)["state"] == "printed"
    assert journal_path.exists() and journal.entries() == []

"""The kiosk's printer for real: the terminal prints through a private cupsd to a cups-pdf queue,
and a stopped or rejecting printer ends the request void, never charged."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk_terminal import cupsd as cups
from kiosk_terminal.card_slot import VirtualSlot
from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.printing import CupsPrinter, PrintFailedError
from kiosk_terminal.terminal import Choice, Screen, Terminal
from kiosk_terminal.virtual_card import VirtualCard
from tests.unit.test_terminal_flow import centre  # noqa: F401  (the centre on loopback)

REQUIRE_SERVICES = os.environ.get("KOFU_REQUIRE_SERVICES") == "1"


@pytest.fixture(scope="module")
def cupsd() -> Iterator[cups.PrivateCupsd]:
    missing = cups.missing_tools()
    if missing:
        message = f"a private cupsd with cups-pdf cannot run here: missing {', '.join(missing)}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (KOFU_REQUIRE_SERVICES=1; run scripts/setup-system.sh)")
        pytest.skip(message)
    # Filters run as user lp: not under pytest's 0700 temporary tree.
    directory = Path(tempfile.mkdtemp(prefix="kofu-cups-", dir="/tmp"))
    try:
        with cups.PrivateCupsd(directory) as daemon:
            daemon.add_pdf_queue("kofu-pdf")
            yield daemon
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def cups_pdfs() -> Iterator[Callable[[], list[Path]]]:
    """The PDFs cups-pdf writes during one test (removed afterwards)."""
    folder = cups.cups_pdf_folder()
    before = {p: p.stat().st_mtime for p in folder.glob("*.pdf")} if folder.exists() else {}

    def written() -> list[Path]:
        found = folder.glob("*.pdf") if folder.exists() else []
        return [p for p in found if before.get(p) != p.stat().st_mtime]

    yield written
    for path in written():
        path.unlink(missing_ok=True)


def wait_for_pdf(written: Callable[[], list[Path]], timeout: float = 20.0) -> Path:
    deadline = time.monotonic() + timeout
    while not written():
        assert time.monotonic() < deadline, "cups-pdf never wrote the document"
        time.sleep(0.1)
    return written()[0]


def print_at_kiosk(client: CentreClient, cupsd: cups.PrivateCupsd, card: Path) -> Terminal:
    """A resident signs in, asks for their own 住民票 and confirms; the kiosk prints to CUPS."""
    slot = VirtualSlot()
    printer = CupsPrinter("kofu-pdf", timeout=30, server=cupsd.server, poll=0.1)
    terminal = Terminal(slot, client, printer)
    slot.insert(VirtualCard.load(card))
    assert terminal.tick().screen is Screen.CHOOSE
    terminal.choose(Choice(members="self"))
    terminal.enter_pin("1234")
    assert terminal.view.screen is Screen.CONFIRM
    terminal.confirm()
    terminal.wait_idle()
    return terminal


def test_a_juminhyo_prints_through_a_cups_queue_and_arrives_as_a_pdf(
    cupsd: cups.PrivateCupsd,
    cups_pdfs: Callable[[], list[Path]],
    centre: CentreClient,  # noqa: F811
    cards: Path,
) -> None:
    terminal = print_at_kiosk(centre, cupsd, cards / "yamada-taro.json")
    assert terminal.view.screen is Screen.DONE
    printed = wait_for_pdf(cups_pdfs)
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert int(fields["Pages"]) >= 1 and "A4" in fields["Page size"]
    assert centre.poll(terminal.last_session, terminal.last_request)["state"] == "printed"  # type: ignore[arg-type]


def test_a_disabled_printer_is_reported_as_a_failed_print_and_not_charged(
    cupsd: cups.PrivateCupsd,
    cups_pdfs: Callable[[], list[Path]],
    centre: CentreClient,  # noqa: F811
    cards: Path,
) -> None:
    cupsd.admin("cupsdisable", "kofu-pdf")
    try:
        terminal = print_at_kiosk(centre, cupsd, cards / "yamada-taro.json")
    finally:
        cupsd.admin("cupsenable", "kofu-pdf")
    notice = terminal.view.notice
    assert terminal.view.screen is Screen.REFUSED and notice and notice.code == "PRINT_FAILED"
    assert "料金はかかりません" in notice.todo_ja
    assert centre.poll(terminal.last_session, terminal.last_request)["state"] == "voided"  # type: ignore[arg-type]
    time.sleep(1.0)  # the cancelled job must not come out once the printer is back
    assert cups_pdfs() == []


def test_a_queue_that_rejects_jobs_or_does_not_exist_fails_at_once(
    cupsd: cups.PrivateCupsd,
) -> None:
    pdf = b"%PDF-1.4\n%%EOF\n"
    with pytest.raises(PrintFailedError, match="lp failed"):
        CupsPrinter("no-such-queue", timeout=5, server=cupsd.server).print_pdf(pdf, 1)
    cupsd.admin("cupsreject", "kofu-pdf")
    try:
        with pytest.raises(PrintFailedError, match="not accepting"):
            CupsPrinter("kofu-pdf", timeout=5, server=cupsd.server).print_pdf(pdf, 1)
    finally:
        cupsd.admin("cupsaccept", "kofu-pdf")

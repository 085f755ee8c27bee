"""The centre's side of one issuance: request, wait, download, print and confirm."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import requests

from kiosk_terminal.centre_client import CentreClient, CentreError
from kiosk_terminal.journal import PrintJournal
from kiosk_terminal.messages import Notice, notice_for, uncharged
from kiosk_terminal.printing import Printer, PrintFailedError
from kiosk_terminal.screens import JUMINHYO, KOSEKI_PICKS, Choice

log = logging.getLogger(__name__)


class Issuer:
    """Runs on the terminal's worker thread; reports progress through callbacks.

    ``accepted(request_id)`` when the centre takes the request, ``printing()`` once the PDF is
    here, ``refused(notice)`` for any refusal or failure (the resident accepted the fee: the
    notice says nothing was charged), and ``printed(serial)`` once the papers are out and the
    centre is told. With a ``journal``, every print is written down before it starts and
    forgotten only once the centre has its result (reported after a restart otherwise).
    """

    def __init__(
        self,
        centre: CentreClient,
        printer: Printer,
        printing: Callable[[], None],
        refused: Callable[[Notice], None],
        printed: Callable[[Any], None],
        accepted: Callable[[str], None],
        journal: PrintJournal | None = None,
    ) -> None:
        self.centre, self.printer, self.journal = centre, printer, journal
        self.printing, self.printed = printing, printed
        self.refused: Callable[[Notice], None] = lambda notice: refused(uncharged(notice))
        self.accepted = accepted

    def issue(self, session_id: str, choice: Choice, ready_timeout: float) -> None:
        try:
            accepted = self.centre.request(
                session_id,
                choice.certificate,
                choice.options(),
                choice.copies,
                secrets.token_hex(12),
            )
            request_id = accepted["request_id"]
            self.accepted(request_id)
            state = self.centre.wait_ready(
                session_id, request_id, timeout=ready_timeout, known=accepted
            )
            if state["state"] != "ready":
                self.refused(notice_for_refusal({"refusal": state.get("failure")}))
                return
            pdf = self.centre.download(session_id, request_id)
            if self.journal is not None:
                self.journal.begin(session_id, request_id, state.get("serial"))
            self.printing()
            self._print(session_id, request_id, pdf, choice.copies, state.get("serial"))
        except CentreError as error:
            self.refused(notice_for(error.code, error))
        except requests.RequestException:
            self.refused(notice_for("CENTRE_UNREACHABLE"))

    def _print(
        self, session_id: str, request_id: str, pdf: bytes, copies: int, serial: Any
    ) -> None:
        try:
            self.printer.print_pdf(pdf, copies)
        except PrintFailedError as error:
            log.warning("print failed for request %s: %s", request_id, error)
            self._confirm(session_id, request_id, printed=False)
            self.refused(notice_for("PRINT_FAILED"))
            return
        self._confirm(session_id, request_id, printed=True)
        self.printed(serial)

    def _confirm(self, session_id: str, request_id: str, printed: bool) -> None:
        if self.journal is not None:
            self.journal.record(request_id, printed)
        self.centre.confirm(session_id, request_id, printed=printed)
        if self.journal is not None:
            self.journal.forget(request_id)


def household_of(centre: CentreClient, session_id: str, choice: Choice) -> list[dict[str, Any]]:
    """The people to choose from: the household for a 住民票, the 戸籍's people when a 戸籍
    certificate is for someone else than oneself; nobody otherwise."""
    if choice.certificate in JUMINHYO:
        return centre.household(session_id)
    if choice.certificate in KOSEKI_PICKS and choice.picks_members:
        return centre.koseki_members(session_id)
    return []


def household_names(household: list[dict[str, Any]], choice: Choice) -> list[str]:
    """Names on the 住民票 to come (shown on the confirm screen; never the 住民票コード)."""
    if choice.picks_members:
        return [m["name"] for m in household if m["ref"] in choice.member_refs]
    return [m["name"] for m in household if choice.members == "all" or m["is_self"]]


def notice_for_refusal(item: dict[str, Any] | None) -> Notice:
    refusal = (item or {}).get("refusal") or {}
    message = refusal.get("message") or {}
    return notice_for(
        refusal.get("code", "NOT_OFFERED"), None, message.get("ja"), message.get("en")
    )

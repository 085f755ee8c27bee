"""The terminal's state machine: screens, card events, the centre's answers and timeouts."""

from __future__ import annotations

import enum
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from kiosk_terminal.card_slot import CardPresence, CardSlot, Connection
from kiosk_terminal.centre_client import CentreClient, CentreError
from kiosk_terminal.jpki import CardError, JpkiCard, PinLockedError, WrongPinError
from kiosk_terminal.messages import CERTIFICATES, Notice, notice_for
from kiosk_terminal.printing import Printer, PrintFailedError

log = logging.getLogger(__name__)


class Screen(enum.Enum):
    INSERT_CARD = "insert_card"
    CHOOSE = "choose"
    PIN = "pin"
    CONFIRM = "confirm"
    WAITING = "waiting"
    PRINTING = "printing"
    DONE = "done"
    REFUSED = "refused"
    NO_READER = "no_reader"


BUSY = (Screen.WAITING, Screen.PRINTING)
WITH_CARD = (Screen.CHOOSE, Screen.PIN, Screen.CONFIRM)


@dataclass(frozen=True)
class Timeouts:
    idle: float = 60.0  # no touch on a screen that waits for the resident
    card_left: float = 20.0  # the card still in the reader after the end
    not_collected: float = 120.0  # papers not taken: the screen resets anyway
    ready: float = 120.0  # the centre's render


@dataclass
class Choice:
    certificate: str = "juminhyo"
    members: str = "all"
    show_honseki: bool = False
    show_relationship: bool = True
    copies: int = 1
    tax_year: int | None = None

    def options(self) -> dict[str, Any]:
        if self.certificate in ("juminhyo", "juminhyo_kisai"):
            return {
                "members": self.members,
                "show_honseki": self.show_honseki,
                "show_relationship": self.show_relationship,
            }
        if self.certificate in ("kazei", "shotoku") and self.tax_year:
            return {"tax_year": self.tax_year}
        return {}


@dataclass
class View:
    """Everything a screen shows; ``version`` changes whenever the screen must be redrawn."""

    screen: Screen = Screen.INSERT_CARD
    version: int = 0
    language: str = "ja"
    choice: Choice = field(default_factory=Choice)
    tries_left: int | None = None
    pin_notice: Notice | None = None
    fee: int | None = None
    members: list[str] = field(default_factory=list)
    notice: Notice | None = None
    card_left: bool = False
    serial: str | None = None


class Terminal:
    """One kiosk. The web UI calls the actions; ``tick()`` is called often (polling)."""

    def __init__(
        self,
        slot: CardSlot,
        centre: CentreClient,
        printer: Printer,
        timeouts: Timeouts | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.slot, self.centre, self.printer = slot, centre, printer
        self.timeouts = timeouts or Timeouts()
        self.clock = clock
        self.view = View()
        self.certificates = CERTIFICATES
        self._lock = threading.RLock()
        self._connection: Connection | None = None
        self._card: JpkiCard | None = None
        self._session: str | None = None
        self._since = clock()
        self._worker: threading.Thread | None = None
        self.last_session: str | None = None  # for the operator's log and tests
        self.last_request: str | None = None

    # -- screen changes -------------------------------------------------------------------
    def _show(self, screen: Screen, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(self.view, name, value)
        self.view.screen = screen
        self.view.version += 1
        self._since = self.clock()

    def _refuse(self, notice: Notice) -> None:
        log.info("refusal shown: %s", notice.code)
        self._end_card_session()
        self._show(Screen.REFUSED, notice=notice, card_left=False)

    def _end_card_session(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except CardError:
                pass
        self._connection, self._card, self._session = None, None, None

    def set_language(self, language: str) -> None:
        with self._lock:
            self.view.language = "en" if language == "en" else "ja"
            self.view.version += 1
            self._since = self.clock()

    def start_over(self) -> None:
        """Back to the first screen (the resident's button, and every timeout)."""
        with self._lock:
            if self.view.screen in BUSY:
                return
            self._end_card_session()
            self.view = View(version=self.view.version + 1)
            self._since = self.clock()

    # -- card events ----------------------------------------------------------------------
    def tick(self) -> View:
        with self._lock:
            presence, _ = self.slot.presence()
            elapsed = self.clock() - self._since
            screen = self.view.screen
            if presence is CardPresence.NO_READER and screen not in BUSY:
                if screen is not Screen.NO_READER:
                    self._end_card_session()
                    self._show(Screen.NO_READER, notice=notice_for("NO_READER"))
            elif screen is Screen.NO_READER:
                self.start_over()
            elif screen is Screen.INSERT_CARD and presence is CardPresence.PRESENT:
                self._read_card()
            elif screen in WITH_CARD and presence is CardPresence.NO_CARD:
                self._refuse(notice_for("CARD_REMOVED"))
            elif screen in WITH_CARD and elapsed > self.timeouts.idle:
                self.start_over()
            elif screen in (Screen.DONE, Screen.REFUSED):
                self._after_end(presence, elapsed)
            return self.view

    def _after_end(self, presence: CardPresence, elapsed: float) -> None:
        """Wait for the card (and papers) to be taken; warn, then reset, when they are not."""
        if presence is CardPresence.PRESENT:
            if elapsed > self.timeouts.card_left and not self.view.card_left:
                self.view.card_left = True
                self.view.version += 1
            return
        limit = self.timeouts.not_collected if self.view.screen is Screen.DONE else 0.0
        if self.view.notice and self.view.notice.code == "CARD_REMOVED":
            limit = self.timeouts.idle  # leave time to read why before the screen resets
        if elapsed > limit:
            self.start_over()

    def _read_card(self) -> None:
        try:
            self._connection = self.slot.connect()
            self._card = JpkiCard(self._connection)
            self._card.select_application()
            tries = self._card.pin_tries_left()
        except CardError as error:
            self._refuse(notice_for(error.code, error))
            return
        if tries == 0:
            self._refuse(notice_for("PIN_LOCKED"))
            return
        self._show(Screen.CHOOSE, tries_left=tries, choice=Choice())

    # -- the resident's actions -----------------------------------------------------------
    def choose(self, choice: Choice) -> None:
        with self._lock:
            if self.view.screen is Screen.CHOOSE:
                self._show(Screen.PIN, choice=choice, pin_notice=None)

    def enter_pin(self, pin: str) -> None:
        with self._lock:
            if self.view.screen is not Screen.PIN or self._card is None:
                return
            try:
                self._card.verify_pin(pin)
            except WrongPinError as error:
                notice = notice_for("WRONG_PIN", error)
                self._show(Screen.PIN, tries_left=error.tries_left, pin_notice=notice)
                return
            except PinLockedError:
                self._refuse(notice_for("PIN_LOCKED"))
                return
            except CardError as error:
                if error.code == "PIN_FORMAT":
                    self._show(Screen.PIN, pin_notice=notice_for("PIN_FORMAT", error))
                else:
                    self._refuse(notice_for(error.code, error))
                return
            self._sign_in()

    def _sign_in(self) -> None:
        assert self._card is not None
        choice = self.view.choice
        try:
            certificate = self._card.read_user_certificate()
            self._session, challenge = self.centre.open_session(certificate)
            self.centre.authenticate(self._session, self._card.sign_sha256(challenge))
            menu = self.centre.menu(self._session)
            members = household_names(self.centre, self._session, choice)
        except (CardError, CentreError) as error:
            self._refuse(notice_for(error.code, error))
            return
        except requests.RequestException:
            self._refuse(notice_for("CENTRE_UNREACHABLE"))
            return
        item = next((i for i in menu if i["certificate"] == choice.certificate), None)
        if item is None or not item["available"]:
            self._refuse(notice_for_refusal(item))
            return
        self._show(Screen.CONFIRM, fee=item["fee"] * choice.copies, members=members)

    def confirm(self) -> None:
        """The resident accepts the fee: request, wait, download, print — on a worker thread."""
        with self._lock:
            if self.view.screen is not Screen.CONFIRM or self._session is None:
                return
            self._show(Screen.WAITING)
            self._worker = threading.Thread(target=self._issue, args=(self._session,), daemon=True)
            self._worker.start()

    def _issue(self, session_id: str) -> None:
        choice = self.view.choice
        self.last_session = session_id
        try:
            accepted = self.centre.request(
                session_id,
                choice.certificate,
                choice.options(),
                choice.copies,
                secrets.token_hex(12),
            )
            request_id = self.last_request = accepted["request_id"]
            state = self.centre.wait_ready(session_id, request_id, timeout=self.timeouts.ready)
            if state["state"] != "ready":
                with self._lock:
                    self._refuse(notice_for_refusal({"refusal": state.get("failure")}))
                return
            pdf = self.centre.download(session_id, request_id)
            with self._lock:
                self._show(Screen.PRINTING)
            self._print(session_id, request_id, pdf, choice.copies, state.get("serial"))
        except CentreError as error:
            with self._lock:
                self._refuse(notice_for(error.code, error))
        except requests.RequestException:
            with self._lock:
                self._refuse(notice_for("CENTRE_UNREACHABLE"))

    def _print(
        self, session_id: str, request_id: str, pdf: bytes, copies: int, serial: Any
    ) -> None:
        try:
            self.printer.print_pdf(pdf, copies)
        except PrintFailedError as error:
            log.warning("print failed for request %s: %s", request_id, error)
            self.centre.confirm(session_id, request_id, printed=False)
            with self._lock:
                self._refuse(notice_for("PRINT_FAILED"))
            return
        self.centre.confirm(session_id, request_id, printed=True)
        with self._lock:
            self._end_card_session()
            self._show(Screen.DONE, serial=str(serial) if serial else None, card_left=False)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Tests: wait for the issuing thread to finish."""
        if self._worker is not None:
            self._worker.join(timeout)


def household_names(centre: CentreClient, session_id: str, choice: Choice) -> list[str]:
    """Names on the 住民票 to come (shown on the confirm screen; never the 住民票コード)."""
    if choice.certificate not in ("juminhyo", "juminhyo_kisai"):
        return []
    members = centre.household(session_id)
    return [m["name"] for m in members if choice.members == "all" or m["is_self"]]


def notice_for_refusal(item: dict[str, Any] | None) -> Notice:
    refusal = (item or {}).get("refusal") or {}
    message = refusal.get("message") or {}
    return notice_for(
        refusal.get("code", "NOT_OFFERED"), None, message.get("ja"), message.get("en")
    )

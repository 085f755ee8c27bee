"""The terminal's state machine: screens, card events, the centre's answers and timeouts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import requests

from kiosk_terminal.card_slot import CardPresence, CardSlot, Connection
from kiosk_terminal.centre_client import CentreClient, CentreError
from kiosk_terminal.issuing import Issuer, household_names, household_of, notice_for_refusal
from kiosk_terminal.journal import PrintJournal
from kiosk_terminal.jpki import CardError, JpkiCard, PinLockedError, WrongPinError
from kiosk_terminal.messages import CERTIFICATES, Notice, notice_for
from kiosk_terminal.phone import (
    BiometricFailedError,
    credential_kind,
    open_credential,
)
from kiosk_terminal.pin_reset_flow import PinResetScreens
from kiosk_terminal.printing import Printer
from kiosk_terminal.screens import (
    BUSY,
    ENDED,
    ONE_PERSON,
    WITH_CARD,
    Choice,
    Screen,
    Timeouts,
    View,
    jst_today,
    tax_years,
)
from kiosk_terminal.sign_in_flow import SignInSteps

__all__ = ["Choice", "Screen", "Terminal", "Timeouts", "View"]

log = logging.getLogger(__name__)


class Terminal(PinResetScreens, SignInSteps):
    """One kiosk. The web UI calls the actions; ``tick()`` is called often (polling)."""

    def __init__(
        self,
        slot: CardSlot,
        centre: CentreClient,
        printer: Printer,
        timeouts: Timeouts | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = jst_today,
        journal: PrintJournal | None = None,
    ) -> None:
        self.slot, self.centre, self.printer = slot, centre, printer
        self.journal = journal
        self.timeouts = timeouts or Timeouts()
        self.clock, self.today = clock, today
        self.view = View()
        self.certificates = CERTIFICATES
        self._lock = threading.RLock()
        self._connection: Connection | None = None
        self._card: JpkiCard | None = None
        self._session: str | None = None
        self._challenge: bytes | None = None  # the centre's, once it accepted the certificate
        self._certificate: bytes | None = None
        self._reservation: str | None = None  # a PIN reset's, once the centre confirmed it
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
        self._abandon_pin_reset()
        if self._connection is not None:
            try:
                self._connection.close()
            except CardError:
                pass
        self._connection, self._card, self._session = None, None, None
        self._challenge, self._certificate = None, None

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
                self._read_card_for_reset() if self.view.pin_reset else self._read_card()
            elif screen in WITH_CARD and presence is CardPresence.NO_CARD:
                removed = "CARD_REMOVED" if self.view.credential == "card" else "PHONE_REMOVED"
                self._refuse(notice_for(removed))
            elif screen in WITH_CARD and elapsed > self.timeouts.idle:
                self.start_over()
            elif screen in ENDED:
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
        if self.view.notice and self.view.notice.code in ("CARD_REMOVED", "PHONE_REMOVED"):
            limit = self.timeouts.idle  # leave time to read why before the screen resets
        if elapsed > limit:
            self.start_over()

    def _read_card(self) -> None:
        """The card on the reader, or a phone held to it (an iPhone has no PIN to count).

        Its certificate goes to the centre at once, before any PIN is asked: a revoked card or
        a lost phone is refused here and keeps its PIN tries.
        """
        try:
            self._connection = self.slot.connect()
            self._card = open_credential(self._connection)
            credential = credential_kind(self._card)
            tries = None if credential == "iphone" else self._card.pin_tries_left()
        except CardError as error:
            self._refuse(notice_for(error.code, error))
            return
        if tries == 0:
            self._refuse(notice_for("PIN_LOCKED"))
            return
        self.view.credential = credential  # a refusal then says "take your phone" or card
        if not self._open_session():
            return
        self._show(
            Screen.CHOOSE,
            tries_left=tries,
            choice=Choice(),
            tax_years=tax_years(self.today()),
            credential=credential,
        )

    # -- the resident's actions -----------------------------------------------------------
    def choose(self, choice: Choice) -> None:
        with self._lock:
            if self.view.screen is Screen.CHOOSE:
                next_screen = Screen.DEVICE_AUTH if self.view.credential == "iphone" else Screen.PIN
                self._show(next_screen, choice=choice, pin_notice=None)

    def authenticate_on_device(self) -> None:
        """An iPhone: the resident confirms with Face ID on the phone; no PIN on the kiosk."""
        with self._lock:
            if self.view.screen is Screen.DEVICE_AUTH and self._card is not None:
                self._sign_in()

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
        """Sign the centre's challenge (PIN verified, or Face ID now); one that expired while
        the resident chose and typed (centre's challenge TTL) is asked for again, once."""
        assert self._card is not None
        choice = self.view.choice
        try:
            try:
                menu = self._answer_challenge()
            except CentreError as error:
                if error.code != "CHALLENGE_EXPIRED":
                    raise
                if not self._open_session():  # refused now: that refusal is shown
                    return
                menu = self._answer_challenge()
            assert self._session is not None
            household = household_of(self.centre, self._session, choice)
        except BiometricFailedError as error:  # the phone did not recognise its holder
            self._show(Screen.DEVICE_AUTH, pin_notice=notice_for(error.code, error))
            return
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
        self.view.fee = item["fee"] * choice.copies
        if choice.picks_members:
            self._show(Screen.MEMBERS, household=household, pin_notice=None)
            return
        self._show(Screen.CONFIRM, household=household, members=household_names(household, choice))

    def pick_members(self, refs: list[str]) -> None:
        """世帯の一部: the members the resident touched, by their opaque refs."""
        with self._lock:
            if self.view.screen is not Screen.MEMBERS:
                return
            known = [m["ref"] for m in self.view.household]
            chosen = [ref for ref in known if ref in refs]
            if not chosen:
                self._show(Screen.MEMBERS, pin_notice=notice_for("NO_MEMBER_CHOSEN"))
                return
            if self.view.choice.certificate in ONE_PERSON and len(chosen) > 1:
                self._show(Screen.MEMBERS, pin_notice=notice_for("ONE_MEMBER_ONLY"))
                return
            choice = replace(self.view.choice, member_refs=chosen)
            names = household_names(self.view.household, choice)
            self._show(Screen.CONFIRM, choice=choice, members=names, pin_notice=None)

    def confirm(self) -> None:
        """The resident accepts the fee: request, wait, download, print — on a worker thread."""
        with self._lock:
            if self.view.screen is not Screen.CONFIRM or self._session is None:
                return
            self._show(Screen.WAITING)
            self._worker = threading.Thread(target=self._issue, args=(self._session,), daemon=True)
            self._worker.start()

    def _issue(self, session_id: str) -> None:
        self.last_session = session_id
        issuer = Issuer(
            self.centre,
            self.printer,
            printing=self._on_printing,
            refused=self._on_refused,
            printed=self._on_printed,
            accepted=self._on_accepted,
            journal=self.journal,
        )
        issuer.issue(session_id, self.view.choice, self.timeouts.ready)

    def _on_accepted(self, request_id: str) -> None:
        self.last_request = request_id

    def _on_printing(self) -> None:
        with self._lock:
            self._show(Screen.PRINTING)

    def _on_refused(self, notice: Notice) -> None:
        with self._lock:
            self._refuse(notice)

    def _on_printed(self, serial: Any) -> None:
        with self._lock:
            self._end_card_session()
            self._show(Screen.DONE, serial=str(serial) if serial else None, card_left=False)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Tests: wait for the issuing thread to finish."""
        if self._worker is not None:
            self._worker.join(timeout)

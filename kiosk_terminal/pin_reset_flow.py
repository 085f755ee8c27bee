"""The terminal's PIN-reset screens: reservation, signature password, new PIN, done.

A resident who forgot the 4-digit PIN (or locked it) reserves a reset with JPKI's app, then
at the kiosk: the centre confirms the reservation for the card in the reader, the card checks
the signature password, and the card takes the new PIN (kiosk_terminal/jpki_reset.py). Both
secrets go to the card only; the centre is told the outcome (and the signature password's
tries left when wrong), after the card acted.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import requests

from kiosk_terminal.card_slot import CardSlot, Connection
from kiosk_terminal.centre_client import CentreClient, CentreError
from kiosk_terminal.jpki import CardError
from kiosk_terminal.jpki_reset import (
    JpkiResetCard,
    SignaturePinLockedError,
    WrongSignaturePinError,
)
from kiosk_terminal.messages import Notice, notice_for
from kiosk_terminal.screens import Screen, View

log = logging.getLogger(__name__)


class PinResetScreens:
    """Mixed into Terminal: the reset actions, sharing its view, lock and card session."""

    slot: CardSlot
    centre: CentreClient
    view: View
    _lock: threading.RLock
    _connection: Connection | None
    _reservation: str | None = None

    def _show(self, screen: Screen, **changes: Any) -> None: ...  # Terminal's
    def _refuse(self, notice: Notice) -> None: ...  # Terminal's

    def start_over(self) -> None: ...  # Terminal's

    def begin_pin_reset(self) -> None:
        """The 「暗証番号の再設定」 button: on the insert-card screen, or on the locked-PIN
        refusal with the card still in the reader (the next tick reads it for the reset)."""
        with self._lock:
            notice = self.view.notice
            if self.view.screen is Screen.REFUSED and notice and notice.code == "PIN_LOCKED":
                self.start_over()
            if self.view.screen is Screen.INSERT_CARD:
                self._show(Screen.INSERT_CARD, pin_reset=True, notice=None)

    def _reset_card(self) -> JpkiResetCard | None:
        return None if self._connection is None else JpkiResetCard(self._connection)

    def _read_card_for_reset(self) -> None:
        """Card in the reader: the centre's check of its reservation, then the password."""
        try:
            self._connection = self.slot.connect()
            card = JpkiResetCard(self._connection)
            card.select_application()
            certificate = card.read_user_certificate()
            tries = card.signature_pin_tries_left()
            if tries == 0:
                raise SignaturePinLockedError()
            self._reservation = self.centre.check_pin_reset(certificate)["reservation_id"]
        except (CardError, CentreError) as error:
            self._refuse(notice_for(error.code, error))
            return
        except requests.RequestException:
            self._refuse(notice_for("CENTRE_UNREACHABLE"))
            return
        self._show(Screen.RESET_SIGNATURE_PIN, tries_left=tries, pin_notice=None)

    def enter_signature_pin(self, password: str) -> None:
        """署名用パスワード: verified by the card; wrong ones shown with the tries left."""
        with self._lock:
            card = self._reset_card()
            if self.view.screen is not Screen.RESET_SIGNATURE_PIN or card is None:
                return
            try:
                card.verify_signature_pin(password.strip().upper())
            except WrongSignaturePinError as error:
                self._report("signature_pin_wrong", error.tries_left)
                notice = notice_for(error.code, error)
                self._show(
                    Screen.RESET_SIGNATURE_PIN, tries_left=error.tries_left, pin_notice=notice
                )
                return
            except SignaturePinLockedError as error:
                self._report("signature_pin_locked", 0)
                self._reservation = None
                self._refuse(notice_for(error.code, error))
                return
            except CardError as error:
                if error.code == "SIGNATURE_PIN_FORMAT":
                    self._show(Screen.RESET_SIGNATURE_PIN, pin_notice=notice_for(error.code, error))
                else:
                    self._refuse(notice_for(error.code, error))
                return
            self._show(Screen.RESET_NEW_PIN, pin_notice=None)

    def enter_new_pin(self, pin: str, again: str) -> None:
        """The new 4-digit PIN, entered twice; the card takes it, then the centre is told."""
        with self._lock:
            card = self._reset_card()
            if self.view.screen is not Screen.RESET_NEW_PIN or card is None:
                return
            if pin != again:
                self._show(Screen.RESET_NEW_PIN, pin_notice=notice_for("NEW_PIN_MISMATCH"))
                return
            try:
                card.reset_user_pin(pin)
            except CardError as error:
                if error.code == "NEW_PIN_FORMAT":
                    self._show(Screen.RESET_NEW_PIN, pin_notice=notice_for(error.code, error))
                else:
                    self._refuse(notice_for(error.code, error))
                return
            self._report("reset")
            self._reservation = None
            self._show(Screen.RESET_DONE, pin_notice=None, card_left=False, pin_reset=False)

    def _abandon_pin_reset(self) -> None:
        """A reset left half-way (card removed, cancel, timeout, refusal): tell the centre."""
        if self._reservation is not None:
            self._report("abandoned")
            self._reservation = None

    def _report(self, outcome: str, tries_left: int | None = None) -> None:
        """Best effort: the card has acted already, the resident is not kept waiting on it."""
        if self._reservation is None:
            return
        try:
            self.centre.report_pin_reset(self._reservation, outcome, tries_left)
        except (CentreError, requests.RequestException) as error:
            log.warning("PIN reset outcome %s not reported: %s", outcome, error)

"""The terminal's sign-in with the centre: the certificate first, then the signed challenge.

The certificate goes to the centre as soon as the card (or phone) is read, before any PIN is
asked: the centre checks its chain and revocation there (POST /v1/sessions), so a revoked
card or a lost phone is refused without spending a PIN try. The challenge it answers is
signed once the PIN is verified (or Face ID confirmed on an iPhone).
"""

from __future__ import annotations

from typing import Any

import requests

from kiosk_terminal.centre_client import CentreClient, CentreError
from kiosk_terminal.jpki import CardError, JpkiCard
from kiosk_terminal.messages import Notice, notice_for
from kiosk_terminal.phone import sign_in_answer


class SignInSteps:
    """Mixed into Terminal: its session with the centre, opened before the PIN."""

    centre: CentreClient
    _card: JpkiCard | None
    _session: str | None
    _challenge: bytes | None
    _certificate: bytes | None

    def _refuse(self, notice: Notice) -> None: ...  # Terminal's

    def _open_session(self) -> bool:
        """The certificate to the centre (its chain, revocation, link): a session and its
        challenge; False when refused (the refusal is shown)."""
        assert self._card is not None
        try:
            self._certificate = self._card.read_user_certificate()
            self._session, self._challenge = self.centre.open_session(self._certificate)
        except (CardError, CentreError) as error:
            self._refuse(notice_for(error.code, error))
            return False
        except requests.RequestException:
            self._refuse(notice_for("CENTRE_UNREACHABLE"))
            return False
        return True

    def _answer_challenge(self) -> list[dict[str, Any]]:
        """The signed challenge to the centre; its menu. CardError, CentreError."""
        assert self._card is not None and self._challenge is not None
        assert self._session is not None and self._certificate is not None
        signature, report = sign_in_answer(self._card, self._challenge, self._certificate)
        return self.centre.authenticate(self._session, signature, report)

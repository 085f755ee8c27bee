"""The kiosk's HTTP client for the centre's kiosk protocol v1 (what any kiosk vendor implements)."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

POLL_WAIT_S = 5.0  # how long the centre may hold a poll (well inside the HTTP timeout)
PENDING = ("accepted", "rendering")


@dataclass
class CentreError(Exception):
    """An answer from the centre that is not a success: its stable code and both messages."""

    status: int
    code: str
    message_ja: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message_ja} / {self.message_en}"


class CentreClient:
    def __init__(self, base_url: str, kiosk_token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = requests.Session()
        self._http.headers["Authorization"] = f"Bearer {kiosk_token}"
        self._timeout = timeout

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, retries: int = 3
    ) -> requests.Response:
        """Send one call; connection failures are retried (every call we make is idempotent).

        The call carries an ``X-Request-Id`` of its own, the same on each retry: the centre
        logs it, and sends it on to the municipality's server for this call's work."""
        headers = {"X-Request-Id": uuid.uuid4().hex}
        for attempt in range(retries):
            try:
                response = self._http.request(
                    method,
                    self.base_url + path,
                    json=body,
                    timeout=self._timeout,
                    headers=headers,
                )
            except requests.ConnectionError:
                if attempt == retries - 1:
                    raise
                time.sleep(0.5 * (attempt + 1))
                continue
            if response.status_code >= 400:
                self._raise(response)
            return response
        raise AssertionError("unreachable")

    @staticmethod
    def _raise(response: requests.Response) -> None:
        try:
            error = response.json()["error"]
            raise CentreError(
                response.status_code, error["code"], error["message"]["ja"], error["message"]["en"]
            )
        except (ValueError, KeyError, TypeError):
            raise CentreError(
                response.status_code,
                "HTTP_ERROR",
                "通信エラーが発生しました。",
                f"The centre answered HTTP {response.status_code}.",
            ) from None

    def open_session(self, certificate_der: bytes) -> tuple[str, bytes]:
        body = self._call(
            "POST",
            "/v1/sessions",
            {"certificate": base64.b64encode(certificate_der).decode()},
        ).json()  # a retry only opens another session; the unused one expires
        return body["session_id"], base64.b64decode(body["challenge"])

    def authenticate(
        self, session_id: str, signature: bytes, report: bytes | None = None
    ) -> list[dict[str, Any]]:
        """Answer the challenge (``report``: a phone's signed report of how its holder was
        checked); returns the menu the centre sends with the sign-in."""
        body = {"signature": base64.b64encode(signature).decode()}
        if report is not None:
            body["device_report"] = base64.b64encode(report).decode()
        answer = self._call(
            "POST",
            f"/v1/sessions/{session_id}/authenticate",
            body,
            # Once more on a dropped connection (the server may close an idle keep-alive
            # connection just as we send): it signs in, or says CHALLENGE_USED if the first
            # one got through. Either is a known state; a lost connection is not.
            retries=2,
        ).json()
        if answer.get("menu") is None:  # a centre that does not send it: ask
            return self.menu(session_id)
        return answer["menu"]["certificates"]

    def menu(self, session_id: str) -> list[dict[str, Any]]:
        return self._call("GET", f"/v1/sessions/{session_id}/menu").json()["certificates"]

    def koseki_members(self, session_id: str) -> list[dict[str, Any]]:
        """The living people of the resident's 戸籍, by name and opaque ref (from the 本籍地)."""
        return self._call("GET", f"/v1/sessions/{session_id}/koseki-members").json()["members"]

    def household(self, session_id: str) -> list[dict[str, Any]]:
        """The household members to choose from: names, 続柄 and opaque refs."""
        return self._call("GET", f"/v1/sessions/{session_id}/household").json()["members"]

    def request(
        self,
        session_id: str,
        certificate: str,
        options: dict[str, Any],
        copies: int,
        idempotency_key: str,
        wait: float = POLL_WAIT_S,
    ) -> dict[str, Any]:
        """Ask for a certificate; the centre may hold the answer up to ``wait`` s until ready.

        Retrying with the same idempotency key is safe: the centre answers the same request.
        """
        return self._call(
            "POST",
            f"/v1/sessions/{session_id}/requests{_wait_query(wait)}",
            {
                "certificate": certificate,
                "options": options,
                "copies": copies,
                "idempotency_key": idempotency_key,
            },
        ).json()

    def poll(self, session_id: str, request_id: str, wait: float = 0.0) -> dict[str, Any]:
        """The request's state; with ``wait`` the centre holds the answer until it changes."""
        return self._poll(session_id, request_id, wait)[0]

    def _poll(self, session_id: str, request_id: str, wait: float) -> tuple[dict[str, Any], float]:
        """The state, and how long the centre asks us to wait before asking again."""
        path = f"/v1/sessions/{session_id}/requests/{request_id}{_wait_query(wait)}"
        response = self._call("GET", path)
        try:
            retry_after = float(response.headers.get("Retry-After", "0"))
        except ValueError:
            retry_after = 1.0
        return response.json(), retry_after

    def wait_ready(
        self,
        session_id: str,
        request_id: str,
        timeout: float = 60.0,
        known: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Long-poll until the request leaves accepted/rendering or ``timeout`` passes.

        ``known`` is a state already in hand (the request's own answer): if it is final, no
        call is made.
        """
        if known is not None and known["state"] not in PENDING:
            return known
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            state, retry_after = self._poll(
                session_id, request_id, wait=min(max(left, 0.0), POLL_WAIT_S)
            )
            if state["state"] not in PENDING or time.monotonic() > deadline:
                return state
            if retry_after > 0:  # the centre is holding as many polls as it will
                time.sleep(min(retry_after, max(deadline - time.monotonic(), 0.0)))

    def download(self, session_id: str, request_id: str) -> bytes:
        return self._call(
            # As for authenticate: the PDF, or DOCUMENT_ALREADY_DELIVERED if the first answer
            # was lost (the request then ends uncharged).
            "GET",
            f"/v1/sessions/{session_id}/requests/{request_id}/document",
            retries=2,
        ).content

    def confirm(self, session_id: str, request_id: str, printed: bool) -> dict[str, Any]:
        return self._call(
            "POST",
            f"/v1/sessions/{session_id}/requests/{request_id}/confirmation",
            {"result": "printed" if printed else "failed"},
            retries=5,
        ).json()

    def check_pin_reset(self, certificate_der: bytes) -> dict[str, Any]:
        """PIN reset: the reservation for this card (``reservation_id``, ``expires_at``), or a
        CentreError NO_RESET_RESERVATION, RESET_RESERVATION_EXPIRED, RESET_RESERVATION_USED."""
        return self._call(
            "POST",
            "/v1/pin-resets",
            {"certificate": base64.b64encode(certificate_der).decode()},
        ).json()

    def report_pin_reset(
        self, reservation_id: str, outcome: str, signature_pin_tries_left: int | None = None
    ) -> dict[str, Any]:
        """What happened (reset, signature_pin_wrong, signature_pin_locked, abandoned); never
        a PIN. Safe to retry: a reset reported twice by this kiosk is answered the same."""
        body: dict[str, Any] = {"outcome": outcome}
        if signature_pin_tries_left is not None:
            body["signature_pin_tries_left"] = signature_pin_tries_left
        return self._call(
            "POST", f"/v1/pin-resets/{reservation_id}/outcome", body, retries=5
        ).json()


def _wait_query(wait: float) -> str:
    """How long the centre may hold the answer, as a query string (none: answer at once)."""
    return f"?wait={wait:g}" if wait > 0 else ""

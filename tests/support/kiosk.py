"""A test kiosk over Flask's test client: the protocol steps with a virtual card."""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from kiosk_terminal.jpki import JpkiCard
from kiosk_terminal.virtual_card import VirtualCard


@dataclass
class TestKiosk:
    client: FlaskClient
    token: str
    session_id: str | None = None
    last: Any = field(default=None, repr=False)
    __test__ = False

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        self.last = self.client.open(path, method=method, json=body, headers=self.headers, **kwargs)
        return self.last

    def sign_in(self, card_path: Path, pin: str = "1234") -> Any:
        """Insert the card, enter the PIN, answer the challenge; returns the last response."""
        card = JpkiCard(VirtualCard.load(card_path))
        card.select_application()
        der = card.read_user_certificate()
        card.verify_pin(pin)
        opened = self.call("POST", "/v1/sessions", {"certificate": base64.b64encode(der).decode()})
        if opened.status_code != 201:
            return opened
        self.session_id = opened.json["session_id"]
        signature = card.sign_challenge(base64.b64decode(opened.json["challenge"]), der)
        return self.call(
            "POST",
            f"/v1/sessions/{self.session_id}/authenticate",
            {"signature": base64.b64encode(signature).decode()},
        )

    def request(
        self,
        options: dict[str, Any] | None = None,
        key: str | None = None,
        copies: int = 1,
        certificate: str = "juminhyo",
    ) -> Any:
        default = {"members": "all"} if certificate in ("juminhyo", "juminhyo_kisai") else {}
        return self.call(
            "POST",
            f"/v1/sessions/{self.session_id}/requests",
            {
                "certificate": certificate,
                "options": default if options is None else options,
                "copies": copies,
                "idempotency_key": key or secrets.token_hex(8),
            },
        )

    def path(self, request_id: str, suffix: str = "") -> str:
        return f"/v1/sessions/{self.session_id}/requests/{request_id}{suffix}"

    def wait(self, request_id: str, timeout: float = 60.0, every: float = 0.05) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            state = self.call("GET", self.path(request_id)).json
            if state["state"] not in ("accepted", "rendering") or time.monotonic() > deadline:
                return state
            time.sleep(every)

    def issue(
        self, card_path: Path, options: dict[str, Any] | None = None, certificate: str = "juminhyo"
    ) -> tuple[dict[str, Any], bytes]:
        """The whole flow to a downloaded PDF (not yet confirmed)."""
        assert self.sign_in(card_path).status_code == 200, self.last.json
        accepted = self.request(options, certificate=certificate)
        assert accepted.status_code == 202, accepted.json
        ready = self.wait(accepted.json["request_id"])
        assert ready["state"] == "ready", ready
        pdf = self.call("GET", self.path(ready["request_id"], "/document"))
        assert pdf.status_code == 200, pdf.json
        return ready, pdf.data

    def menu(self) -> dict[str, dict[str, Any]]:
        """The menu by certificate name."""
        items = self.call("GET", f"/v1/sessions/{self.session_id}/menu").json["certificates"]
        return {item["certificate"]: item for item in items}

    def refused_at_render(self, certificate: str, options: dict[str, Any] | None = None) -> str:
        """Request, wait, and return the failure code of a request refused while producing it."""
        accepted = self.request(options, certificate=certificate)
        assert accepted.status_code == 202, accepted.json
        final = self.wait(accepted.json["request_id"])
        assert final["state"] == "failed", final
        return final["failure"]["code"]

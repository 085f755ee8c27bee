"""Locust kiosks for the chaos run: BCL residents mostly, a few of 横浜市 (the own server).

The same flow as ``locustfile.KioskUser``; besides, each kiosk writes what the centre
acknowledged (request id, when) to ``$CHAOS_JOURNAL``, and every 5xx answer (when, where) to
``$CHAOS_5XX``, so the run can tell lost requests and place each 5xx in its fault window.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import locustfile as base
from locust import events

from kiosk_terminal.virtual_card import VirtualCard

SUBMIT = "/v1/sessions/[sid]/requests"
OWN_SERVER_CARD = "kobayashi-yui"  # the demo's one 横浜市 resident with a card


def _append(variable: str, line: str) -> None:
    path = os.environ.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as file:  # one short line: an atomic append
            file.write(line + "\n")


@events.request.add_listener
def _note_5xx(request_type, name, response=None, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    status = getattr(response, "status_code", 0) or 0
    if request_type != "FLOW" and status >= 500:
        _append("CHAOS_5XX", f"{time.time():.3f} {status} {request_type} {name}")


class _Journalled(base.KioskUser):
    abstract = True

    def _call(self, method: str, path: str, name: str, expected: int, body=None) -> dict:  # type: ignore[no-untyped-def, override]
        answer = super()._call(method, path, name, expected, body)
        if name == SUBMIT:
            _append("CHAOS_JOURNAL", f"{time.time():.3f} {answer['request_id']} {self.label}")
        return answer


class BclKiosk(_Journalled):
    """A kiosk whose residents live in BCL municipalities (千代田区, 草加市)."""

    weight = int(os.environ.get("CHAOS_BCL_WEIGHT") or 9)
    label = "bcl"


class OwnServerKiosk(_Journalled):
    """A kiosk whose resident lives in 横浜市, whose records come from its own server."""

    weight = int(os.environ.get("CHAOS_OWN_SERVER_WEIGHT") or 1)
    label = "own"

    def on_start(self) -> None:
        super().on_start()  # the kiosk credential
        path = base._data_dir() / "demo" / "cards" / f"{OWN_SERVER_CARD}.json"
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        self.kiosk_card = base.KioskCard(VirtualCard.load(path), document["pin"], path.stem)

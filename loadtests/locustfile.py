"""Locust load test: each simulated kiosk runs the whole issuance flow with its own virtual card
or phone (スマホ用電子証明書: Android with its PIN, iPhone with Face ID; about a third of the
credentials, as ``kofu demo load --extra-residents`` issues them).

Run after ``kofu demo load --extra-residents N`` (``make bench`` does it all)::

    locust -f loadtests/locustfile.py --headless -u 20 -r 5 -t 60s --host http://127.0.0.1:8765

Two custom entries (type ``FLOW``) appear in the statistics beside the HTTP calls:
``request_to_ready`` (POST request → state ``ready``) and ``issuance`` (one whole flow; its
count is the number of completed issuances, its failures the number of abandoned flows), and
``sign_in card|android|iphone`` (one per sign-in, by credential: the mix of the run).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

from kiosk_terminal.phone import credential_kind, open_credential, sign_in_answer
from kiosk_terminal.virtual_card import VirtualCard
from kiosk_terminal.virtual_phone import load_credential

READY_TIMEOUT_S = 30.0
POLL_WAIT_S = 10  # the centre holds the poll until the request changes (long poll)
CONFIRM_RETRY_S = 30.0  # how long a kiosk keeps reporting a print the centre cannot take
REQUEST = "/v1/sessions/[sid]/requests/[rid]"  # how Locust groups the statistics
FINAL_STATES = {"printed", "voided", "failed", "expired"}
RETRIED = (0, 502, 503)  # no answer, the balancer's host lost, the centre's database away


class FlowError(Exception):
    """One issuance flow could not be completed; the message says where."""


@dataclass
class KioskCard:
    """A virtual card or phone, loaded once, with the PIN its file holds."""

    card: VirtualCard
    pin: str
    label: str


def _data_dir() -> Path:
    return Path(os.environ.get("KOFU_DATA_DIR") or "var")


def _card_paths() -> list[Path]:
    """The extra residents' cards and phones, interleaved so a few users already mix them."""
    folder = _data_dir() / "demo" / "cards" / "extra"
    cards = sorted(folder.glob("*.json"))
    if not cards:
        raise SystemExit(f"no card files in {folder}: run `kofu demo load --extra-residents 200`")
    phones = sorted((_data_dir() / "demo" / "phones" / "extra").glob("*.json"))
    mixed: list[Path] = []
    for i, card in enumerate(cards):
        mixed.append(card)
        if i < len(phones):
            mixed.append(phones[i])
    return mixed


def _kiosk_tokens() -> list[str]:
    path = _data_dir() / "demo" / "kiosks.json"
    try:
        tokens = list(json.loads(path.read_text(encoding="utf-8")).values())
    except FileNotFoundError:
        raise SystemExit(f"{path} is missing: run `kofu demo load` first") from None
    if not tokens:
        raise SystemExit(f"{path} holds no kiosk credentials")
    return tokens


class _Pool:
    """Hands each new user the next card and the next kiosk credential (round-robin)."""

    def __init__(self) -> None:
        self._paths: list[Path] | None = None
        self._cards: dict[Path, KioskCard] = {}
        self._next_card = itertools.count()
        self._tokens: itertools.cycle[str] | None = None

    def prepare(self) -> None:
        if self._paths is None:
            self._paths = _card_paths()
            self._tokens = itertools.cycle(_kiosk_tokens())

    def take(self) -> tuple[KioskCard, str]:
        self.prepare()
        assert self._paths is not None and self._tokens is not None
        path = self._paths[next(self._next_card) % len(self._paths)]
        if path not in self._cards:  # each card file is parsed once per Locust process
            document = json.loads(path.read_text(encoding="utf-8"))
            self._cards[path] = KioskCard(load_credential(path), document["pin"], path.stem)
        return self._cards[path], next(self._tokens)


POOL = _Pool()


@events.test_start.add_listener
def _check_demo_data(environment, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    """Stop at once, with the reason, when the demo cards or kiosks are missing."""
    try:
        POOL.prepare()
    except SystemExit as exc:
        print(f"locustfile: {exc}")
        environment.process_exit_code = 2
        if environment.runner is not None:
            environment.runner.quit()


def _record(name: str, started: float, exception: Exception | None = None) -> None:
    events.request.fire(
        request_type="FLOW",
        name=name,
        response_length=0,
        context={},
        response_time=(time.perf_counter() - started) * 1000,
        exception=exception,
    )


class KioskUser(FastHttpUser):
    """One kiosk: card in, PIN, challenge signed, 住民票 requested, downloaded, printed.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares
    this machine's cores with the centre, and it costs several times less per call.
    """

    wait_time = constant(0)
    network_timeout = READY_TIMEOUT_S
    retry_after = 0.0  # the last answer's Retry-After, in seconds
    last_status = 0  # the last answer's HTTP status

    def on_start(self) -> None:
        try:
            self.kiosk_card, token = POOL.take()
        except SystemExit as exc:
            print(f"KioskUser: {exc}")
            raise StopUser() from exc
        self.headers = {"Authorization": f"Bearer {token}"}

    @task
    def issue_juminhyo(self) -> None:
        started = time.perf_counter()
        try:
            self._flow()
        except FlowError as exc:
            _record("issuance", started, exc)
            if self.last_status == 503:  # as a kiosk does: "try again shortly", not at once
                gevent.sleep(self.retry_after or 1.0)
        else:
            _record("issuance", started)

    def _flow(self) -> None:
        jpki = open_credential(self.kiosk_card.card)
        credential = credential_kind(jpki)
        certificate = jpki.read_user_certificate()
        opened = self._call(
            "post",
            "/v1/sessions",
            "/v1/sessions",
            201,
            {"certificate": base64.b64encode(certificate).decode()},
        )
        session = f"/v1/sessions/{opened['session_id']}"
        signing_in = time.perf_counter()
        if credential != "iphone":  # an iPhone checks Face ID itself: no PIN on the kiosk
            jpki.verify_pin(self.kiosk_card.pin)
        signature, report = sign_in_answer(jpki, base64.b64decode(opened["challenge"]), certificate)
        body = {"signature": base64.b64encode(signature).decode()}
        if report is not None:
            body["device_report"] = base64.b64encode(report).decode()
        signed_in = self._call(
            "post",
            f"{session}/authenticate",
            # one line per card generation: the P-384 check costs more than the RSA one
            f"/v1/sessions/[sid]/authenticate [{opened['card_generation']}]",
            200,
            body,
        )
        _record(f"sign_in {credential}", signing_in)
        menu = signed_in["menu"]  # the menu comes with the sign-in answer
        item = next((i for i in menu["certificates"] if i["certificate"] == "juminhyo"), None)
        if item is None or not item["available"]:
            raise FlowError(f"juminhyo not offered to {self.kiosk_card.label}: {item}")
        asked = time.perf_counter()
        submitted = self._call(
            "post",
            f"{session}/requests?wait={POLL_WAIT_S}",  # usually answers "ready" itself
            "/v1/sessions/[sid]/requests",
            202,
            {
                "certificate": "juminhyo",
                "options": {"members": "all"},
                "copies": 1,
                "idempotency_key": uuid.uuid4().hex,
            },
        )
        request = f"{session}/requests/{submitted['request_id']}"
        self._wait_until_ready(request, submitted, asked)
        self._download(request)
        self._confirm(request)

    def _confirm(self, request: str) -> None:
        """Report the print; the paper exists, so a 503 (the centre's database away), a 502 or
        no answer at all (a centre host lost under the call) is retried, after its Retry-After
        or 1 s, for up to CONFIRM_RETRY_S, as a kiosk with a print journal would."""
        deadline = time.perf_counter() + CONFIRM_RETRY_S
        while True:
            try:
                self._call(
                    "post",
                    f"{request}/confirmation",
                    f"{REQUEST}/confirmation",
                    200,
                    {"result": "printed"},
                )
                return
            except FlowError:
                if self.last_status not in RETRIED or time.perf_counter() > deadline:
                    raise
                gevent.sleep(self.retry_after or 1.0)

    def _wait_until_ready(self, request: str, state: dict, asked: float) -> None:
        deadline = asked + READY_TIMEOUT_S
        while state["state"] != "ready":
            if state["state"] in FINAL_STATES:
                error = FlowError(f"request ended {state['state']}: {state.get('failure')}")
                _record("request_to_ready", asked, error)
                raise error
            if time.perf_counter() > deadline:
                error = FlowError(f"not ready in {READY_TIMEOUT_S:.0f} s ({state['state']})")
                _record("request_to_ready", asked, error)
                raise error
            state = self._call("get", f"{request}?wait={POLL_WAIT_S}", REQUEST, 200)
            if state["state"] not in ("ready", *FINAL_STATES) and self.retry_after:
                gevent.sleep(self.retry_after)  # the centre holds as many polls as it will
        _record("request_to_ready", asked)

    def _download(self, request: str) -> None:
        name = f"{REQUEST}/document"
        with self.client.get(
            f"{request}/document", name=name, headers=self.headers, catch_response=True
        ) as response:
            if response.status_code != 200 or not (response.content or b"").startswith(b"%PDF"):
                response.failure(f"expected a PDF, got {response.status_code}")
                raise FlowError(f"document download failed ({response.status_code})")

    def _call(
        self, method: str, path: str, name: str, expected: int, body: dict | None = None
    ) -> dict:
        with self.client.request(
            method, path, name=name, json=body, headers=self.headers, catch_response=True
        ) as response:
            self.last_status = response.status_code  # 0: no answer (the connection was cut)
            self.retry_after = float((response.headers or {}).get("Retry-After") or 0)
            if response.status_code != expected:
                detail = f"{response.status_code}: {(response.text or '')[:200]}"
                response.failure(detail)
                raise FlowError(f"{method.upper()} {name} answered {detail}")
            try:
                return response.json()
            except ValueError as exc:
                response.failure("answer is not JSON")
                raise FlowError(f"{method.upper()} {name} answered non-JSON") from exc

"""Own municipal servers over HTTPS (mutual TLS): total deadlines, size caps, kept-alive
connections, safe retries, circuit breakers, and a bounded number of calls at once."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from issuance.errors import KofuError
from issuance.koseki_records import Fuhyo, Koseki
from issuance.ports import UnitOfWork
from issuance.records import BackendAnswer, Household, RecordQuery, SealRegistration, TaxAssessment
from municipalities.bulkhead import Bulkhead
from municipalities.deadline import Watchdog
from municipalities.https_client import Answer, OutboundError, ServerClient
from municipalities.protocol import PREFIX
from municipalities.tls import TlsFiles

R = TypeVar("R")
# observer(municipality_code, seconds, outcome): outcome is "ok", "not_found" or a failure reason
Observer = Callable[[str, float, str], None]
RECORD_TYPES: dict[str, Any] = {
    "household": Household,
    "seal": SealRegistration,
    "tax": TaxAssessment,
    "koseki": Koseki,
    "fuhyo": Fuhyo,
}


class BackendUnavailableError(KofuError):
    code = "BACKEND_UNAVAILABLE"
    message_ja = "現在、この市区町村の証明書を交付できません。しばらくしてからご利用ください。"
    message_en = "This municipality's records are temporarily unavailable. Please try again later."


class BackendMismatchError(KofuError):
    """The server answered for another request, resident or municipality: never rendered."""

    code = "RECORD_MISMATCH"
    message_ja = "証明書を作成できませんでした。市区町村の窓口でお手続きください。"
    message_en = (
        "The certificate could not be produced. Please apply at the municipal office counter."
    )


@dataclass
class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; one trial call passes after ``cooldown``."""

    threshold: int = 3
    cooldown: float = 30.0
    failures: int = 0
    opened_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, now: float) -> bool:
        with self._lock:
            if self.opened_at is None:
                return True
            if now - self.opened_at >= self.cooldown:
                self.opened_at = now  # half-open: this caller tries, the others keep waiting
                return True
            return False

    def record(self, ok: bool, now: float) -> None:
        with self._lock:
            if ok:
                self.failures, self.opened_at = 0, None
            else:
                self.failures += 1
                if self.failures >= self.threshold:
                    self.opened_at = now


@dataclass(frozen=True)
class ServerConfig:
    """One municipality's server, from its ``backend_settings``."""

    url: str
    # the whole call, connect + TLS + sending + every byte of the answer, retries included
    timeout_seconds: float = 3.0
    connect_timeout_seconds: float = 1.0  # one connection attempt, within timeout_seconds
    retries: int = 1  # for broken connections only: a read timeout is never retried
    max_answer_bytes: int = 4 * 1024 * 1024  # a longer answer is refused, never read whole
    keep_connections: int = 8  # kept-alive connections per server and process
    breaker_threshold: int = 3  # consecutive failures that open the circuit
    breaker_cooldown_seconds: float = 30.0  # then one half-open probe is let through
    # calls in flight at once per process; None: the centre's KOFU_OWN_SERVER_CALLS
    max_concurrent_calls: int | None = None

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> ServerConfig:
        known = {k: v for k, v in settings.items() if k in cls.__dataclass_fields__}
        if "url" not in known:
            raise BackendUnavailableError(reason="no url configured")
        return cls(**known)


def _says_not_found(answer: Answer) -> bool:
    """A 404 means "no such record" only with the protocol's body {"error": "NOT_FOUND"}."""
    try:
        body = answer.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("error") == "NOT_FOUND"


class OwnServerBackend:
    """The RecordsBackend of one own-server municipality."""

    def __init__(
        self,
        code: str,
        config: ServerConfig,
        client: ServerClient | None,
        breaker: CircuitBreaker,
        observer: Observer,
        bulkhead: Bulkhead | None = None,
        max_concurrent_calls: int = 2,
    ) -> None:
        self.code, self.config, self.client = code, config, client
        self.breaker, self.observer = breaker, observer
        self.bulkhead = bulkhead or Bulkhead()
        self.max_concurrent_calls = config.max_concurrent_calls or max_concurrent_calls

    def _post(self, kind: str, query: RecordQuery) -> dict[str, Any] | None:
        """The answer's body, or None for the protocol's NOT_FOUND.

        Raises ``BackendUnavailableError`` (counted by the breaker) when the circuit is open,
        the deadline (``timeout_seconds``) passes, the answer exceeds ``max_answer_bytes``, or
        the answer is no protocol answer; with reason "busy" (not counted: the server has not
        failed) when this process already has ``max_concurrent_calls`` calls in flight to it.
        """
        if self.client is None:
            raise BackendUnavailableError(reason="no centre TLS certificate configured")
        with self.bulkhead.slot(self.code, self.max_concurrent_calls) as held:
            if not held:
                self.observer(self.code, 0.0, "busy")
                raise BackendUnavailableError(reason="busy")
            return self._post_holding_a_slot(kind, query)

    def _post_holding_a_slot(self, kind: str, query: RecordQuery) -> dict[str, Any] | None:
        if not self.breaker.allow(time.monotonic()):
            self.observer(self.code, 0.0, "circuit_open")
            raise BackendUnavailableError(reason="circuit open")
        started = time.monotonic()
        try:
            body = self._send(kind, query)
        except BackendUnavailableError as exc:
            self.breaker.record(False, time.monotonic())
            self.observer(self.code, time.monotonic() - started, str(exc.details.get("reason")))
            raise
        self.breaker.record(True, time.monotonic())
        self.observer(self.code, time.monotonic() - started, "ok" if body else "not_found")
        return body

    def _send(self, kind: str, query: RecordQuery) -> dict[str, Any] | None:
        assert self.client is not None
        payload = {k: v for k, v in vars(query).items() if v is not None}
        try:
            response = self.client.post_json(
                f"{PREFIX}/records/{kind}",
                payload,
                deadline_seconds=self.config.timeout_seconds,
                connect_seconds=self.config.connect_timeout_seconds,
                max_bytes=self.config.max_answer_bytes,
                retries=self.config.retries,
            )
        except OutboundError as exc:
            raise BackendUnavailableError(reason=exc.reason) from exc
        if response.status == 404:
            if _says_not_found(response):
                return None
            # a proxy's, or a server of another protocol version: not "no such record"
            raise BackendUnavailableError(reason="http_404")
        if response.status != 200:
            raise BackendUnavailableError(reason=f"http_{response.status}")
        try:
            body = response.json()
        except ValueError as exc:
            raise BackendUnavailableError(reason="garbage") from exc
        if not isinstance(body, dict):
            raise BackendUnavailableError(reason="garbage")
        return body

    def _answer(self, kind: str, query: RecordQuery) -> BackendAnswer[Any] | None:
        body = self._post(kind, query)
        if body is None:
            return None
        try:
            record = TypeAdapter(RECORD_TYPES[kind]).validate_python(body["record"])
            answer = BackendAnswer(
                str(body["request_id"]),
                str(body["municipality_code"]),
                str(body["juminhyo_code"]),
                record,
            )
        except (KeyError, TypeError, ValidationError) as exc:
            self.observer(self.code, 0.0, "garbage")
            raise BackendUnavailableError(reason="garbage") from exc
        return answer

    def household_of(
        self,
        uow: UnitOfWork,
        municipality_code: str,
        juminhyo_code: str,
        request_id: str | None = None,
    ) -> Household | None:
        bound_to = request_id or f"household-list-{secrets.token_hex(8)}"
        query = RecordQuery(bound_to, municipality_code, juminhyo_code)
        answer = self._answer("household", query)
        if answer is None:
            return None
        if not answer.answers(query):
            raise BackendMismatchError()
        return answer.record  # type: ignore[no-any-return]

    def seal_registration(self, uow: UnitOfWork, query: RecordQuery) -> Any:
        return self._answer("seal", query)

    def tax_assessment(self, uow: UnitOfWork, query: RecordQuery) -> Any:
        return self._answer("tax", query)

    def koseki(self, uow: UnitOfWork, query: RecordQuery) -> Any:
        return self._answer("koseki", query)

    def fuhyo(self, uow: UnitOfWork, query: RecordQuery) -> Any:
        return self._answer("fuhyo", query)


class OwnServerPool:
    """Per own-server municipality, kept for the process: one circuit breaker and one set of
    kept-alive connections (a TLS handshake per connection, not per fetch), all deadlines
    enforced by one watchdog thread, and a bulkhead: at most ``calls_per_municipality`` calls
    in flight to one server (a server's ``max_concurrent_calls`` overrides it), and at most
    ``calls_in_all`` to every own server together."""

    def __init__(
        self,
        tls: TlsFiles | None,
        observer: Observer = lambda *a: None,
        calls_per_municipality: int = 2,
        calls_in_all: int | None = None,
    ) -> None:
        self.tls, self.observer = tls, observer
        self.calls_per_municipality, self.calls_in_all = calls_per_municipality, calls_in_all
        self._breakers: dict[str, CircuitBreaker] = {}
        self._clients: dict[str, ServerClient]
        self._lock = threading.Lock()
        self._for_this_process()

    def _for_this_process(self) -> None:
        # a parent's connections and watchdog thread are not ours: the sockets are shared
        # with the parent, the thread did not survive the fork, nor the calls holding slots
        self._pid, self._clients, self._watchdog = os.getpid(), {}, Watchdog()
        self._bulkhead = Bulkhead(self.calls_in_all)

    def backend(self, code: str, settings: dict[str, Any]) -> OwnServerBackend:
        config = ServerConfig.from_settings(settings)
        with self._lock:
            if self._pid != os.getpid():  # forked (e.g. a preloaded gunicorn worker)
                self._for_this_process()
            breaker = self._breakers.get(code)
            if breaker is None:
                breaker = self._breakers[code] = CircuitBreaker(
                    config.breaker_threshold, config.breaker_cooldown_seconds
                )
            client = self._client(code, config)
        return OwnServerBackend(
            code,
            config,
            client,
            breaker,
            self.observer,
            self._bulkhead,
            self.calls_per_municipality,
        )

    def _client(self, code: str, config: ServerConfig) -> ServerClient | None:
        if self.tls is None:
            return None
        client = self._clients.get(code)
        if client is None or client.url != config.url:  # moved: the old connections go
            if client is not None:
                self._clients.pop(code).close()
            try:
                client = ServerClient(config.url, self.tls, self._watchdog, config.keep_connections)
            except ValueError as exc:
                raise BackendUnavailableError(reason="no https url configured") from exc
            self._clients[code] = client
        return client

    def close(self) -> None:
        """Close every kept-alive connection."""
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

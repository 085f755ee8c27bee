"""Each HTTP request gets an id it answers with, one JSON access line naming its route template
(never its path or query), and a latency observation; personal numbers never reach a line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, request
from prometheus_client import REGISTRY

from centre import logs, request_log


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the process's stderr would show: the JSON formatter on a handler of the root."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def events(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


class Client:
    """Reads each answer whole and closes it, as a server does (the line is logged then)."""

    def __init__(self, app: Flask) -> None:
        self._client = app.test_client()

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._client.get(path, buffered=True, **kwargs)


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.wsgi_app = request_log.RequestLog(app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def _route() -> None:
        if request.url_rule is not None:
            request.environ[request_log.ROUTE] = request.url_rule.rule

    @app.get("/v1/sessions/<session_id>")
    def session(session_id: str) -> str:
        request.environ[request_log.KIOSK] = "K0001"
        logging.getLogger("kofu.test").info("looked at session %s", session_id)
        return "ok"

    @app.get("/boom")
    def boom() -> str:
        try:
            raise ValueError("住民票コード 12345678901 was not found")
        except ValueError:
            logging.getLogger("kofu.test").exception("lookup failed")
        return "handled"

    return app


def observed(endpoint: str, method: str) -> float:
    found = REGISTRY.get_sample_value(
        "kofu_http_request_duration_seconds_count", {"endpoint": endpoint, "method": method}
    )
    return found or 0.0


def test_a_sane_incoming_id_is_kept_and_answered(app: Flask, lines: io.StringIO) -> None:
    answer = Client(app).get("/v1/sessions/abc?t=secret", headers={"X-Request-Id": "lb-1234abcd"})
    assert answer.headers["X-Request-Id"] == "lb-1234abcd"
    looked, access = events(lines)
    assert looked["event"] == "looked at session abc" and looked["request_id"] == "lb-1234abcd"
    assert access == access | {
        "event": "http_request",
        "logger": "kofu.http",
        "level": "info",
        "method": "GET",
        "route": "/v1/sessions/<session_id>",
        "status": 200,
        "kiosk": "K0001",
        "request_id": "lb-1234abcd",
    }
    assert access["duration_s"] >= 0 and access["timestamp"].endswith("Z")
    assert "secret" not in lines.getvalue() and "abc" not in access["route"]


@pytest.mark.parametrize(
    "incoming", [None, "", "short", "has space in it", "x" * 65, "id-123456789012", "../../etc"]
)
def test_an_id_that_is_missing_or_odd_is_replaced_by_a_fresh_one(
    app: Flask, incoming: str | None
) -> None:
    headers = {} if incoming is None else {"X-Request-Id": incoming}
    answered = Client(app).get("/v1/sessions/abc", headers=headers).headers["X-Request-Id"]
    assert answered != incoming and len(answered) == 32 and int(answered, 16) >= 0


def test_each_request_has_its_own_id(app: Flask) -> None:
    client = Client(app)
    first = client.get("/v1/sessions/a").headers["X-Request-Id"]
    assert client.get("/v1/sessions/a").headers["X-Request-Id"] != first


def test_latency_is_observed_by_route_template_and_unmatched_paths_share_one_label(
    app: Flask,
) -> None:
    before = observed("/v1/sessions/<session_id>", "GET"), observed("unmatched", "GET")
    client = Client(app)
    client.get("/v1/sessions/one")
    client.get("/v1/sessions/two")
    assert client.get("/no/such/page").status_code == 404
    after = observed("/v1/sessions/<session_id>", "GET"), observed("unmatched", "GET")
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)


def test_a_personal_number_in_a_message_or_traceback_is_masked(
    app: Flask, lines: io.StringIO
) -> None:
    Client(app).get("/boom")
    failed = events(lines)[0]
    assert "Traceback" in failed["exception"] and "ValueError" in failed["exception"]
    assert "12345678901" not in lines.getvalue() and "*******8901" in failed["exception"]


def test_a_job_carries_the_id_it_was_enqueued_under() -> None:
    assert logs.job_meta() == {}
    with logs.bound_request_id({"request_id": "kiosk-call-0001"}):
        meta = logs.job_meta()
    assert meta == {"request_id": "kiosk-call-0001"} and logs.current_request_id() is None
    with logs.bound_request_id(meta):  # in the worker
        assert logs.current_request_id() == "kiosk-call-0001"
    with logs.bound_request_id({}):  # a sweeper's requeue: none
        assert logs.current_request_id() is None

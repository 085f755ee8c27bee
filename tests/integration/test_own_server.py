"""Own municipal servers: the reference server over mutual TLS, and servers that misbehave."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import update

from centre import metrics
from centre.bootstrap import Platform
from municipal_server.server import (
    create_reference_app,
    load_extract,
    open_database,
    start_server,
)
from municipalities.backends import StaticBackendRegistry
from municipalities.model import Municipality
from municipalities.own_server import OwnServerPool
from municipalities.tls import centre_files, make_test_pki, server_files
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text, squeeze

YOKOHAMA = "141003"
TIMEOUT = 0.5
COOLDOWN = 1.0
HANG = 60.0  # a hanging server answers only when released (or after this): never in time


class Faults:
    """WSGI middleware making the reference server hang, talk garbage, answer for another or
    send a control character."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app, self.mode, self.calls = app, "none", 0
        self.released = threading.Event()  # ends a hang early

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.calls += 1
        if self.mode == "hang":
            self.released.wait(HANG)
        if self.mode == "garbage":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b"<html>503 upstream</html>"]
        if self.mode == "proxy-404":
            start_response("404 Not Found", [("Content-Type", "text/html")])
            return [b"<html>404 no such path</html>"]
        captured: dict[str, Any] = {}
        body = b"".join(self.app(environ, lambda s, h, *a: captured.update(status=s, headers=h)))
        if self.mode == "wrong-resident" and captured["status"].startswith("200"):
            answer = json.loads(body)
            answer["juminhyo_code"] = "80000000012"
            if isinstance(answer["record"], dict) and "juminhyo_code" in answer["record"]:
                answer["record"]["juminhyo_code"] = "80000000012"
            body = json.dumps(answer).encode()
        if self.mode == "bad-foreign" and captured["status"].startswith("200"):
            answer = json.loads(body)
            for member in answer["record"].get("members", []):  # with another category's item
                member["honseki"] = member["hittousha"] = None
                member["foreign"] = {
                    "category": "特別永住者",
                    "nationality": "韓国",
                    "became_foreign_resident_on": "2012-07-09",
                    "certificate_number": "SP20481735KR",
                    "status_of_residence": "永住者",
                }
            body = json.dumps(answer).encode()
        if self.mode == "wrong-request" and captured["status"].startswith("200"):
            answer = json.loads(body)
            answer["request_id"] = "0" * 32  # right resident, but another request's answer
            body = json.dumps(answer).encode()
        if self.mode == "control-character" and captured["status"].startswith("200"):
            answer = json.loads(body)
            answer["record"]["address"] += "\x1a"  # SUB: an unmappable character's stand-in
            body = json.dumps(answer).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


@pytest.fixture(scope="session")
def municipal_pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_test_pki(tmp_path_factory.mktemp("municipal-pki"))


@pytest.fixture
def yokohama(
    platform: Platform, data_dir: Path, tmp_path: Path, municipal_pki: Path
) -> Iterator[Faults]:
    """横浜市's reference server, loaded with the demo extract, reached over mutual TLS."""
    engine = open_database(tmp_path / "yokohama.sqlite3", YOKOHAMA)
    load_extract(engine, YOKOHAMA, data_dir / "demo" / "municipal" / f"{YOKOHAMA}.json")
    faults = Faults(create_reference_app(engine, YOKOHAMA))
    server = start_server(faults, "127.0.0.1", 0, server_files(municipal_pki))
    settings = {
        "url": f"https://127.0.0.1:{server.server_port}",
        "timeout_seconds": TIMEOUT,
        "breaker_threshold": 2,
        "breaker_cooldown_seconds": COOLDOWN,
    }
    with platform.uow() as uow:
        uow.session.execute(
            update(Municipality)
            .where(Municipality.code == YOKOHAMA)
            .values(backend_settings=settings)
        )
        uow.commit()
    platform.backends = StaticBackendRegistry(
        OwnServerPool(centre_files(municipal_pki), metrics.observe_backend)
    )
    yield faults
    faults.released.set()
    server.shutdown()
    engine.dispose()


def test_a_resident_of_an_own_server_municipality_gets_each_kind(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    for kind, title in (
        ("juminhyo", "住民票"),
        ("inkan", "印鑑登録証明書"),
        ("koseki_zenbu", "戸籍全部事項証明書"),
    ):
        session = TestKiosk(kiosk.client, kiosk.token)
        _, pdf = session.issue(cards / "kobayashi-yui.json", certificate=kind)
        text = squeeze(pdf_text(pdf))
        assert title in text and "横浜市長" in text and ("小林" in text)
    up = metrics.BACKEND_UP.labels(YOKOHAMA)._value.get()
    assert up == 1


def refused(response: Any, code: str, status: int = 403) -> None:
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code


def test_a_pre_check_beyond_the_municipalitys_share_of_threads_is_refused_at_once_as_busy(
    kiosk: TestKiosk, cards: Path, yokohama: Faults, platform: Platform
) -> None:
    """Two calls already wait on 横浜市's hanging server in this process: a third pre-check
    does not wait with them (holding a web thread): it is refused as busy without reaching the
    server, and the breaker does not count it."""
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    from issuance.records import RecordQuery

    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    with platform.uow() as uow:
        info = platform.directory.get(uow, YOKOHAMA)
        assert info is not None
        # the held calls wait until released, however slow this machine is
        patient = {**info.backend_settings, "timeout_seconds": 60}
        backend = platform.backends.for_municipality(replace(info, backend_settings=patient))
    yokohama.mode = "hang"

    def held_call(_: int) -> None:
        backend.seal_registration(uow, RecordQuery("r" * 32, YOKOHAMA, "80000000011"))

    with ThreadPoolExecutor(2) as threads:
        held = [threads.submit(held_call, n) for n in range(2)]
        while yokohama.calls < 2:
            time.sleep(0.01)
        response = kiosk.request(certificate="inkan")
        calls_meanwhile = yokohama.calls
        still_held = not any(call.done() for call in held)
        yokohama.released.set()
    assert still_held
    assert calls_meanwhile == 2  # the refused call never reached the server
    refused(response, "BACKEND_UNAVAILABLE", 503)
    assert response.json["error"]["details"] == {"reason": "busy"}
    assert response.headers["Retry-After"] == "5"  # when the kiosk may ask again
    assert backend.breaker.failures == 0  # the busy refusal is not a failure of the server


def test_a_hanging_server_is_given_up_on_within_its_timeout(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "hang"
    response = kiosk.request(certificate="inkan")  # answered although the server never is
    refused(response, "BACKEND_UNAVAILABLE", 503)
    assert response.json["error"]["details"] == {"reason": "timeout"}
    assert metrics.BACKEND_UP.labels(YOKOHAMA)._value.get() == 0
    yokohama.mode = "none"
    assert kiosk.request(certificate="juminhyo").status_code == 202  # no pre-check for it


def test_a_server_answering_garbage_is_temporarily_unavailable(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "garbage"
    response = kiosk.request(certificate="koseki_zenbu")
    refused(response, "BACKEND_UNAVAILABLE", 503)
    assert "temporarily unavailable" in response.json["error"]["message"]["en"]
    assert kiosk.refused_at_render("juminhyo", {"members": "all"}) == "BACKEND_UNAVAILABLE"


def test_an_answer_whose_foreign_resident_fits_no_category_is_garbage_not_a_crash(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "bad-foreign"
    assert kiosk.refused_at_render("juminhyo", {"members": "all"}) == "BACKEND_UNAVAILABLE"
    exposition = kiosk.client.get("/metrics").get_data(as_text=True)
    assert f'municipality="{YOKOHAMA}",outcome="garbage"' in exposition


def test_a_404_without_the_protocols_not_found_is_a_fault_not_a_missing_record(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "proxy-404"  # e.g. a server still speaking v1, or a proxy in between
    refused(kiosk.request(certificate="inkan"), "BACKEND_UNAVAILABLE", 503)


def test_a_server_answering_for_someone_else_is_never_printed_and_alarms(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "wrong-resident"
    before = metrics.RECORD_MISMATCH._value.get()
    refused(kiosk.request(certificate="inkan"), "RECORD_MISMATCH")
    assert kiosk.refused_at_render("juminhyo", {"members": "all"}) == "RECORD_MISMATCH"
    assert metrics.RECORD_MISMATCH._value.get() == before + 2


def test_an_answer_echoing_another_request_id_is_rejected_and_alarms(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "wrong-request"
    before = metrics.RECORD_MISMATCH._value.get()
    refused(kiosk.request(certificate="koseki_zenbu"), "RECORD_MISMATCH")
    assert kiosk.refused_at_render("juminhyo", {"members": "all"}) == "RECORD_MISMATCH"
    assert metrics.RECORD_MISMATCH._value.get() == before + 2


def test_a_record_with_a_control_character_is_refused_not_printed(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "control-character"
    assert kiosk.refused_at_render("juminhyo", {"members": "all"}) == "UNSUPPORTED_CHARACTER"


def test_a_dead_server_opens_its_circuit_without_holding_up_other_municipalities(
    kiosk: TestKiosk, cards: Path, yokohama: Faults
) -> None:
    assert kiosk.sign_in(cards / "kobayashi-yui.json").status_code == 200
    yokohama.mode = "hang"
    for _ in range(2):  # the threshold: each waits at most the server's timeout
        refused(kiosk.request(certificate="inkan"), "BACKEND_UNAVAILABLE", 503)
    calls = yokohama.calls
    response = kiosk.request(certificate="inkan")
    refused(response, "BACKEND_UNAVAILABLE", 503)
    assert response.json["error"]["details"] == {"reason": "circuit open"}
    assert yokohama.calls == calls  # the open circuit answers without asking the dead server
    _, pdf = TestKiosk(kiosk.client, kiosk.token).issue(
        cards / "yamada-taro.json", certificate="inkan"
    )
    assert "千代田区長" in squeeze(pdf_text(pdf))  # another municipality keeps working
    exposition = kiosk.client.get("/metrics").get_data(as_text=True)
    assert f'kofu_backend_up{{municipality="{YOKOHAMA}"}} 0.0' in exposition
    assert f'municipality="{YOKOHAMA}",outcome="circuit_open"' in exposition
    assert f'municipality="{YOKOHAMA}",outcome="timeout"' in exposition
    yokohama.mode = "none"
    time.sleep(COOLDOWN)
    _, pdf = TestKiosk(kiosk.client, kiosk.token).issue(
        cards / "kobayashi-yui.json", certificate="inkan"
    )  # the half-open probe gets through, succeeds, and closes the circuit
    assert "横浜市長" in squeeze(pdf_text(pdf))
    exposition = kiosk.client.get("/metrics").get_data(as_text=True)
    assert f'kofu_backend_up{{municipality="{YOKOHAMA}"}} 1.0' in exposition


def test_the_reference_server_refuses_a_caller_without_a_client_certificate(
    yokohama: Faults, municipal_pki: Path, platform: Platform
) -> None:
    with platform.uow() as uow:
        url = uow.session.get(Municipality, YOKOHAMA).backend_settings["url"]
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{url}/v2/health", verify=str(municipal_pki / "ca.pem"), timeout=2)
    files = centre_files(municipal_pki)
    ok = requests.get(
        f"{url}/v2/health", verify=str(files.ca), cert=(str(files.cert), str(files.key)), timeout=2
    )
    assert ok.json()["municipality_code"] == YOKOHAMA

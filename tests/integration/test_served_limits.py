"""Protocol limits as gunicorn serves them: the app's JSON answer, not gunicorn's plain 400."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.services import centre_process


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOFU_")}
    env["KOFU_DATA_DIR"] = str(tmp / "data")  # the embedded default: SQLite, no Redis
    env["KOFU_VERIFY_RATE_PER_MINUTE"] = "3"
    with centre_process(env, Path(tmp / "serve.log"), "--workers", "2") as served:
        yield served


@pytest.mark.parametrize(
    ("headers", "path", "status", "code"),
    [
        ({"X-Long": "a" * 9_000}, "/healthz", 431, "HEADERS_TOO_LARGE"),
        (
            {f"X-H{i}": "v" for i in range(120)} | {"X-Pad": "b" * 7_000},
            "/healthz",
            431,
            "HEADERS_TOO_LARGE",
        ),  # fmt: skip
        ({}, "/api/verify?t=" + "c" * 5_000, 414, "URI_TOO_LONG"),
    ],
    ids=["one header over 8 KiB", "many headers", "a 5 kB URI"],
)
def test_what_gunicorn_would_refuse_in_plain_text_is_the_apps_json_error(
    url: str, headers: dict[str, str], path: str, status: int, code: str
) -> None:
    response = requests.get(url + path, headers=headers, timeout=10)
    assert response.status_code == status, response.text[:200]
    assert response.json()["error"]["code"] == code


def test_a_rate_limited_pdf_upload_gets_its_429_not_a_closed_connection(url: str) -> None:
    """The limit is checked once the body is read: a 429 sent before it was left the client
    writing into a closed connection (a verifier saw a network error, not "try later")."""
    pdf = b"%PDF-1.7\n" + b"0" * 80_000  # about the size of a real certificate
    answers: list[object] = []

    def verifier() -> None:
        with requests.Session() as http:  # one kept-alive connection, as a browser's
            for _ in range(15):
                try:
                    answer = http.post(
                        url + "/api/verify/pdf",
                        data=pdf,
                        headers={"Content-Type": "application/pdf"},
                        timeout=10,
                    )
                    answers.append(answer.status_code)
                except requests.ConnectionError as exc:
                    answers.append(type(exc).__name__)

    threads = [threading.Thread(target=verifier) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 30
    assert set(answers) <= {422, 429}, answers
    assert 429 in answers  # the limit did bite

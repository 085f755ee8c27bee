"""Protocol limits as gunicorn serves them: the app's JSON answer, not gunicorn's plain 400."""

from __future__ import annotations

import os
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
    with centre_process(env, Path(tmp / "serve.log")) as served:
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

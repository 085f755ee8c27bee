"""Path ids that name nothing are refused (after the credential), on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import FakeClock
from tests.support.centres import centre_app

OK_ID = "0" * 32
BAD_IDS = ["%00", "a%00b", "x" * 65, "%E8%A8%BC", "..%2F..", "a%20b"]
# Every kiosk route with ids in its path, with a body it would accept.
ROUTES = [
    ("POST", "/v1/sessions/{s}/authenticate", {"signature": "AAAA"}),
    ("GET", "/v1/sessions/{s}/menu", None),
    ("GET", "/v1/sessions/{s}/household", None),
    ("GET", "/v1/sessions/{s}/koseki-members", None),
    ("POST", "/v1/sessions/{s}/requests", {"certificate": "inkan", "idempotency_key": "k" * 10}),
    ("POST", "/v1/sessions/{s}/use-registrations", None),
    ("GET", "/v1/sessions/{s}/requests/{r}", None),
    ("GET", "/v1/sessions/{s}/requests/{r}/document", None),
    ("POST", "/v1/sessions/{s}/requests/{r}/confirmation", {"result": "printed"}),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def centre(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path, clock: FakeClock
) -> Iterator[tuple[FlaskClient, str]]:
    """A test client and K0001's credential, on each database kofu runs on."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    with centre_app(demo_template, tmp_path / "centre", url, clock) as (app, token):
        yield app.test_client(), token


def _call(client: FlaskClient, method: str, path: str, body: object, token: str | None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.open(path, method=method, json=body, headers=headers)


def test_a_bad_path_id_is_not_found_never_a_500(centre: tuple[FlaskClient, str]) -> None:
    client, token = centre
    for method, template, body in ROUTES:
        for bad in BAD_IDS:
            for path in {template.format(s=bad, r=OK_ID), template.format(s=OK_ID, r=bad)}:
                response = _call(client, method, path, body, token)
                assert response.status_code == 404, (path, response.status_code, response.json)
                code = response.json["error"]["code"]
                assert code in {"SESSION_NOT_FOUND", "REQUEST_NOT_FOUND", "NOT_FOUND"}, (path, code)


def test_the_credential_is_checked_before_any_parameter(centre: tuple[FlaskClient, str]) -> None:
    client, _ = centre
    for method, template, body in ROUTES:
        path = template.format(s="%00", r="%00") + "?wait=not-a-number"
        response = _call(client, method, path, body, None)
        assert response.status_code == 401, (path, response.status_code, response.json)
        assert response.json["error"]["code"] == "KIOSK_UNAUTHORIZED"


def test_a_nul_byte_in_the_kiosk_credential_is_unauthorized(
    centre: tuple[FlaskClient, str],
) -> None:
    client, _ = centre
    response = _call(client, "GET", f"/v1/sessions/{OK_ID}/menu", None, "K0001\x00.secret")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "KIOSK_UNAUTHORIZED"

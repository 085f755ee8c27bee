"""Hostile PDFs and tokens at the public verification endpoints: a clean 4xx, never a 500."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.integration.test_verification import printed, scanned_token
from tests.support.hostile import costly, crafted, hostile_tokens, mutants, objstm_bomb
from tests.support.kiosk import TestKiosk

FIXTURES = Path("/work/shared/fixtures/hostile-pdfs")
SECONDS_PER_CHECK = 5.0  # far above a genuine check (well under one second)


def post_pdf(kiosk: TestKiosk, pdf: bytes):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = kiosk.client.post("/api/verify/pdf", data=pdf, content_type="application/pdf")
    assert time.monotonic() - started < SECONDS_PER_CHECK
    return response


def assert_clean(response, name: str) -> None:  # type: ignore[no-untyped-def]
    """A 2xx verdict, or a 4xx with a stable code in both languages: never a 5xx."""
    assert response.status_code < 500, (name, response.status_code, response.json)
    if response.status_code >= 400:
        error = response.json["error"]
        assert error["code"] and error["message"]["ja"] and error["message"]["en"], name


@pytest.fixture
def client_app(app):  # type: ignore[no-untyped-def]
    app.extensions["kofu_verify_limiter"].per_minute = 1_000_000
    return app


@pytest.mark.skipif(not FIXTURES.exists(), reason="the shared hostile fixtures are not here")
@pytest.mark.parametrize("name", ["objstm_unknown_filter.pdf", "objstm_bomb_small.pdf"])
def test_the_reported_pdfs_are_unreadable_not_a_crash(
    kiosk: TestKiosk, client_app, name: str
) -> None:  # type: ignore[no-untyped-def]
    response = post_pdf(kiosk, (FIXTURES / name).read_bytes())
    assert response.status_code == 422
    assert response.json["error"]["code"] == "PDF_UNREADABLE"


def test_a_stream_decoding_past_what_a_certificate_needs_is_refused(  # type: ignore[no-untyped-def]
    kiosk: TestKiosk, client_app
) -> None:
    """40 MiB passes pypdf's own limit (75 MB); a certificate's streams are far smaller."""
    response = post_pdf(kiosk, objstm_bomb(40))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "PDF_UNREADABLE"


def test_crafted_pdfs_get_a_clean_answer(kiosk: TestKiosk, client_app) -> None:  # type: ignore[no-untyped-def]
    for name, pdf in crafted():
        assert_clean(post_pdf(kiosk, pdf), name)


def test_pdfs_that_would_cost_seconds_are_cut_short(kiosk: TestKiosk, client_app) -> None:  # type: ignore[no-untyped-def]
    for name, pdf in costly():
        assert len(pdf) < 5 * 1024 * 1024, name
        assert_clean(post_pdf(kiosk, pdf), name)  # post_pdf asserts the time


def test_mutated_certificates_get_a_clean_answer(kiosk: TestKiosk, client_app, cards: Path) -> None:  # type: ignore[no-untyped-def]
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    for name, mutant in mutants(pdf, 400):
        assert_clean(post_pdf(kiosk, mutant), name)


def test_a_deeply_nested_token_is_malformed_not_a_crash(kiosk: TestKiosk, client_app) -> None:  # type: ignore[no-untyped-def]
    [(_, token)] = [t for t in hostile_tokens("x.y") if t[0] == "nested_1200"]
    response = kiosk.client.get("/api/verify", query_string={"t": token})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "TOKEN_MALFORMED"
    page = kiosk.client.get("/verify", query_string={"t": token})
    assert page.status_code == 200 and "偽造の可能性" in page.get_data(as_text=True)


def test_hostile_tokens_get_a_clean_answer(kiosk: TestKiosk, client_app, cards: Path) -> None:  # type: ignore[no-untyped-def]
    _, pdf = printed(kiosk, cards / "yamada-taro.json")
    for name, token in hostile_tokens(scanned_token(pdf)):
        assert_clean(kiosk.client.get("/api/verify", query_string={"t": token}), name)
        page = kiosk.client.get("/verify", query_string={"t": token})
        assert page.status_code < 500, name

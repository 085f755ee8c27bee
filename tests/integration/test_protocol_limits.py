"""HTTP edges answered like every other error: JSON with a stable code, the right status."""

from __future__ import annotations

import io

from tests.support.kiosk import TestKiosk


def error_code(response) -> str:  # type: ignore[no-untyped-def]
    assert response.mimetype == "application/json", response.data[:200]
    error = response.json["error"]
    assert error["message"]["ja"] and error["message"]["en"]
    return error["code"]


def test_a_wrong_method_is_405_with_allow_and_json(kiosk: TestKiosk) -> None:
    response = kiosk.client.delete("/v1/sessions", headers=kiosk.headers)
    assert response.status_code == 405
    assert error_code(response) == "METHOD_NOT_ALLOWED"
    assert "POST" in response.headers["Allow"]


def test_a_body_over_the_limit_is_413_with_json(kiosk: TestKiosk) -> None:
    body = b'{"certificate": "' + b"A" * 70_000 + b'"}'
    response = kiosk.client.post(
        "/v1/sessions", data=body, content_type="application/json", headers=kiosk.headers
    )
    assert response.status_code == 413
    assert error_code(response) == "BODY_TOO_LARGE"


def chunked(kiosk: TestKiosk, path: str, body: bytes, content_type: str):  # type: ignore[no-untyped-def]
    """As a server hands on a chunked body: no Content-Length, the input terminated."""
    return kiosk.client.post(
        path,
        input_stream=io.BytesIO(body),
        content_type=content_type,
        headers={**kiosk.headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_413_not_malformed_json(kiosk: TestKiosk) -> None:
    body = b'{"certificate": "' + b"A" * 70_000 + b'"}'
    response = chunked(kiosk, "/v1/sessions", body, "application/json")
    assert response.status_code == 413
    assert error_code(response) == "BODY_TOO_LARGE"


def test_a_chunked_body_within_the_limit_is_read_whole(kiosk: TestKiosk) -> None:
    response = chunked(kiosk, "/v1/sessions", b'{"certificate": "***"}', "application/json")
    assert response.status_code == 400
    assert error_code(response) == "INVALID_REQUEST"  # read and validated, not truncated


def test_a_chunked_pdf_over_its_limit_is_413(kiosk: TestKiosk) -> None:
    response = chunked(kiosk, "/api/verify/pdf", b"%PDF" + b"0" * 6_000_000, "application/pdf")
    assert response.status_code == 413
    assert error_code(response) == "BODY_TOO_LARGE"


def test_a_uri_too_long_is_414_with_json(kiosk: TestKiosk) -> None:
    response = kiosk.client.get("/api/verify?t=" + "A" * 5_000)
    assert response.status_code == 414
    assert error_code(response) == "URI_TOO_LONG"


def test_headers_too_large_are_431_with_json(kiosk: TestKiosk) -> None:
    response = kiosk.client.get("/healthz", headers={"X-Padding": "x" * 9_000})
    assert response.status_code == 431
    assert error_code(response) == "HEADERS_TOO_LARGE"


def multipart(pdf: bytes) -> tuple[bytes, str]:
    boundary = "kofu-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; filename="c.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_chunked_upload_on_the_verify_page_over_the_limit_says_too_large(
    kiosk: TestKiosk,
) -> None:
    body, content_type = multipart(b"%PDF" + b"0" * 6_000_000)
    response = chunked(kiosk, "/verify", body, content_type)
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.get_data(as_text=True)  # the page, not a cut file


def test_a_chunked_upload_on_the_verify_page_within_the_limit_is_read_whole(
    kiosk: TestKiosk,
) -> None:
    body, content_type = multipart(b"%PDF-1.7 not really" + b"0" * 100_000)
    response = chunked(kiosk, "/verify", body, content_type)
    assert response.status_code == 200
    assert "PDFファイルを読み取れませんでした" in response.get_data(as_text=True)

"""Every error the API returns, mapped to HTTP in one place: stable code, Japanese and English."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from issuance.errors import CardAuthError, KofuError
from issuance.index.check import RecordsOutOfSyncError
from issuance.refusals import RefusalError

STATUS_BY_CODE: dict[str, int] = {
    "KIOSK_UNAUTHORIZED": 401,
    "SESSION_NOT_FOUND": 404,
    "REQUEST_NOT_FOUND": 404,
    "RESET_RESERVATION_NOT_FOUND": 404,
    "DOCUMENT_GONE": 410,
    "DOCUMENT_ALREADY_DELIVERED": 410,
    "DOCUMENT_NOT_READY": 409,
    "REQUEST_STATE_CONFLICT": 409,
    "IDEMPOTENCY_KEY_REUSED": 409,
    "CHALLENGE_USED": 409,
    "CHALLENGE_EXPIRED": 410,
    "SESSION_INVALID": 410,
    "SESSION_EXPIRED": 410,
    "DOCUMENT_EXPIRED": 410,
    "CONFIRMATION_TOO_LATE": 410,
    "SESSION_NOT_AUTHENTICATED": 409,
    "BACKEND_UNAVAILABLE": 503,
    "SERVICE_UNAVAILABLE": 503,
    "INVALID_REQUEST": 400,
    "MALFORMED_JSON": 400,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "BODY_TOO_LARGE": 413,
    "URI_TOO_LONG": 414,
    "HEADERS_TOO_LARGE": 431,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "INVALID_CODE": 400,
    "RATE_LIMITED": 429,
    "TOKEN_MALFORMED": 400,
    "PDF_UNREADABLE": 422,
}


class ApiError(KofuError):
    """Protocol-level errors raised by the HTTP layer itself."""


def status_for(error: KofuError) -> int:
    if error.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[error.code]
    if isinstance(error, CardAuthError):
        return 403
    if isinstance(error, RefusalError):
        return 403
    return 500


def error_response(error: KofuError) -> tuple[Response, int]:
    return jsonify({"error": error.as_dict()}), status_for(error)


def invalid_request(exc: ValidationError) -> ApiError:
    fields = [
        {"field": ".".join(str(p) for p in e["loc"]), "problem": e["type"], "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    return ApiError(
        "INVALID_REQUEST",
        "送信された内容に誤りがあります。",
        "The request body is invalid.",
        fields=fields,
    )


HTTP_CODES = {
    404: ("NOT_FOUND", "見つかりません。", "Not found."),
    405: ("METHOD_NOT_ALLOWED", "この操作はできません。", "Method not allowed."),
    413: ("BODY_TOO_LARGE", "送信された内容が大きすぎます。", "The request body is too large."),
    414: ("URI_TOO_LONG", "アドレスが長すぎます。", "The request URI is too long."),
    431: (
        "HEADERS_TOO_LARGE",
        "リクエストのヘッダーが大きすぎます。",
        "The request headers are too large.",
    ),
    415: (
        "UNSUPPORTED_MEDIA_TYPE",
        "JSONで送信してください。",
        "Send the body as application/json.",
    ),
}


BACKEND_RETRY_AFTER_S = 5  # a busy bulkhead frees in seconds; an open breaker half-opens


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(KofuError)
    def _domain(error: KofuError) -> tuple[Response, int]:
        if isinstance(error, RefusalError | CardAuthError):
            from centre.metrics import RECORDS_OUT_OF_SYNC, REFUSALS

            REFUSALS.labels(error.code).inc()
            if isinstance(error, RecordsOutOfSyncError):  # refused at submission
                RECORDS_OUT_OF_SYNC.labels(error.municipality_code).inc()
        response, status = error_response(error)
        if status == 503:  # a municipality's server away or busy: when to ask again
            response.headers["Retry-After"] = str(BACKEND_RETRY_AFTER_S)
        return response, status

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response, int]:
        code, ja, en = HTTP_CODES.get(
            error.code or 500, ("HTTP_ERROR", "エラーが発生しました。", str(error.name))
        )
        response, _ = error_response(ApiError(code, ja, en))
        for name, value in error.get_headers():  # Allow on a 405, Retry-After, ...
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, error.code or 500

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Response, int]:
        app.logger.exception("unhandled error")
        return error_response(KofuError())

"""What every kiosk view shares: the blueprint, its OpenAPI spec, and the answer shapes."""

from __future__ import annotations

import base64
import binascii
import re

from flask import Blueprint, Response, jsonify, request, url_for

from centre import request_log
from centre.bootstrap import Platform
from issuance.model import CertificateRequest
from issuance.ports import UnitOfWork
from issuance.refusals import REFUSALS
from issuance.sessions.credentials import authenticate_kiosk
from kiosk_api import schemas
from kiosk_api.errors import ApiError
from kiosk_api.openapi import PATH_ID_PATTERN, ApiSpec

bp = Blueprint("kiosk_v1", __name__, url_prefix="/v1")
spec = ApiSpec("kofu kiosk protocol", "1.0.0")
_PATH_ID = re.compile(PATH_ID_PATTERN)
_NOT_FOUND = {
    "session_id": ("SESSION_NOT_FOUND", "手続きが見つかりません。", "Session not found."),
    "request_id": ("REQUEST_NOT_FOUND", "証明書の手続きが見つかりません。", "Request not found."),
    "reservation_id": (
        "RESET_RESERVATION_NOT_FOUND",
        "暗証番号の再設定の予約が見つかりません。",
        "The PIN-reset reservation was not found.",
    ),
}
SESSION = "/v1/sessions/{session_id}"
REQUEST = SESSION + "/requests/{request_id}"
# What every call after sign-in may be refused with (issuance.sessions.checks): the kiosk, the
# session, the card's certificate and link, the person. A card or person refusal ends the
# session: its requests not yet downloaded end failed with that code, at no charge.
SESSION_CHECKS = (
    "KIOSK_UNAUTHORIZED",
    "SESSION_NOT_FOUND",
    "SESSION_NOT_AUTHENTICATED",
    "SESSION_INVALID",
    "SESSION_EXPIRED",
    "CERT_REVOKED",
    "CERT_EXPIRED",
    "CERT_UNTRUSTED",
    "REVOCATION_UNAVAILABLE",
    "CARD_NOT_LINKED",
    "CARD_NOT_YET_USABLE",
    "PHONE_CERT_REVOKED",
    "PHONE_CARD_REISSUED",
    "PHONE_CARD_REVOKED",
    "DV_PROTECTED",
    "DECEASED",
    "UNDER_15",
)


def b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(
            "INVALID_REQUEST",
            "送信された内容に誤りがあります。",
            f"{field} is not valid base64.",
            fields=[{"field": field}],
        ) from exc


def kiosk_of(platform: Platform, uow: UnitOfWork) -> str:
    """The calling kiosk, checked in the view's own transaction (one round of queries less)."""
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else None
    kiosk_id = authenticate_kiosk(
        uow, platform.kiosks, platform.settings.kiosk_key_pepper, token, platform.now()
    )
    request.environ[request_log.KIOSK] = kiosk_id  # for its access-log line
    _check_path_ids()  # after the credential: a stranger learns nothing from the answer
    return kiosk_id


def _check_path_ids() -> None:
    for name, value in (request.view_args or {}).items():
        if name in _NOT_FOUND and not _PATH_ID.fullmatch(str(value)):
            raise ApiError(*_NOT_FOUND[name])


def as_json(model: object, status: int = 200) -> tuple[Response, int]:
    return jsonify(model.model_dump(mode="json")), status  # type: ignore[attr-defined]


def request_out(req: CertificateRequest) -> schemas.RequestOut:
    failure = None
    if req.failure_code:
        ja, en = REFUSALS.get(
            req.failure_code,
            ("証明書を作成できませんでした。", "The certificate could not be produced."),
        )
        failure = schemas.Refusal(code=req.failure_code, message=schemas.Message(ja=ja, en=en))
    url = None
    if req.state.value == "ready":
        url = url_for("kiosk_v1.download", session_id=req.session_id, request_id=req.id)
    return schemas.RequestOut(
        request_id=req.id,
        certificate=req.kind.value,
        state=req.state.value,
        copies=req.copies,
        fee_total=req.fee_total,
        serial=req.serial,
        pages=req.pages,
        failure=failure,
        document_url=url,
    )

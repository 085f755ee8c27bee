"""What every kiosk view shares: the blueprint, its OpenAPI spec, and the answer shapes."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, jsonify, request, url_for

from centre.bootstrap import Platform
from issuance.model import CertificateRequest
from issuance.ports import UnitOfWork
from issuance.refusals import REFUSALS
from issuance.sessions.credentials import authenticate_kiosk
from kiosk_api import schemas
from kiosk_api.errors import ApiError
from kiosk_api.openapi import ApiSpec

bp = Blueprint("kiosk_v1", __name__, url_prefix="/v1")
spec = ApiSpec("kofu kiosk protocol", "1.0.0")
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
    return authenticate_kiosk(
        uow, platform.kiosks, platform.settings.kiosk_key_pepper, token, platform.now()
    )


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

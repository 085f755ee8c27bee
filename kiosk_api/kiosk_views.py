"""The kiosk protocol v1: thin views that parse, call one use case, and shape the answer."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, jsonify, request, url_for

from issuance import authentication, household, services
from issuance.kiosk_credentials import authenticate_kiosk
from issuance.model import CertificateKind, CertificateRequest
from issuance.refusals import REFUSALS
from kiosk_api import metrics, schemas
from kiosk_api.errors import ApiError
from kiosk_api.openapi import ApiSpec, parse_body
from kiosk_api.platform import Platform, current_platform

bp = Blueprint("kiosk_v1", __name__, url_prefix="/v1")
spec = ApiSpec("kofu kiosk protocol", "1.0.0")
SESSION = "/v1/sessions/{session_id}"
REQUEST = SESSION + "/requests/{request_id}"


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(
            "INVALID_REQUEST",
            "送信された内容に誤りがあります。",
            f"{field} is not valid base64.",
            fields=[{"field": field}],
        ) from exc


def _kiosk(platform: Platform) -> str:
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else None
    with platform.uow() as uow:
        return authenticate_kiosk(uow, platform.settings.kiosk_key_pepper, token)


def _json(model: object, status: int = 200) -> tuple[Response, int]:
    return jsonify(model.model_dump(mode="json")), status  # type: ignore[attr-defined]


def _request_out(req: CertificateRequest) -> schemas.RequestOut:
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


@spec.route(
    "POST",
    "/v1/sessions",
    "Present the card's certificate; get a one-time challenge",
    body=schemas.OpenSessionBody,
    response=schemas.ChallengeOut,
    status=201,
    errors=(
        "KIOSK_UNAUTHORIZED",
        "CERT_REVOKED",
        "CERT_EXPIRED",
        "CERT_UNTRUSTED",
        "CARD_NOT_LINKED",
    ),
)
@bp.post("/sessions")
def open_session() -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    body = parse_body(schemas.OpenSessionBody)
    with platform.uow() as uow:
        challenge = authentication.open_session(
            uow,
            kiosk_id,
            _b64(body.certificate, "certificate"),
            platform.trust,
            platform.auth_policy,
            platform.now(),
        )
    return _json(
        schemas.ChallengeOut(
            session_id=challenge.session_id,
            challenge=base64.b64encode(challenge.to_be_signed).decode(),
            expires_at=challenge.expires_at,
        ),
        201,
    )


@spec.route(
    "POST",
    SESSION + "/authenticate",
    "Answer the challenge with the card's signature",
    body=schemas.AuthenticateBody,
    response=schemas.SessionOut,
    errors=("SIGNATURE_INVALID", "CHALLENGE_USED", "CHALLENGE_EXPIRED", "SESSION_NOT_FOUND"),
)
@bp.post("/sessions/<session_id>/authenticate")
def authenticate(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    body = parse_body(schemas.AuthenticateBody)
    with platform.uow() as uow:
        session = authentication.authenticate_session(
            uow,
            kiosk_id,
            session_id,
            _b64(body.signature, "signature"),
            platform.trust,
            platform.auth_policy,
            platform.now(),
        )
    return _json(
        schemas.SessionOut(
            session_id=session.id, state=session.state.value, expires_at=session.expires_at
        )
    )


@spec.route(
    "GET",
    SESSION + "/menu",
    "What this resident may get now, with fees or the reason not",
    response=schemas.MenuOut,
    errors=("SESSION_NOT_FOUND", "SESSION_INVALID"),
)
@bp.get("/sessions/<session_id>/menu")
def menu(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    with platform.uow() as uow:
        items = services.get_menu(uow, platform.directory, kiosk_id, session_id, platform.now())
    return _json(
        schemas.MenuOut(
            certificates=[
                schemas.MenuItemOut(
                    certificate=i.kind,
                    label=schemas.Message(ja=i.label_ja, en=i.label_en),
                    available=i.available,
                    fee=i.fee,
                    refusal=None
                    if i.refusal is None
                    else schemas.Refusal(
                        code=i.refusal.code,
                        message=schemas.Message(ja=i.refusal.message_ja, en=i.refusal.message_en),
                    ),
                )
                for i in items
            ]
        )
    )


@spec.route(
    "GET",
    SESSION + "/household",
    "Household members to choose from (names and 続柄 only)",
    response=schemas.HouseholdOut,
    errors=("SESSION_NOT_FOUND", "DV_PROTECTED", "NO_RECORD"),
)
@bp.get("/sessions/<session_id>/household")
def household_members(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    with platform.uow() as uow:
        members = household.list_household(
            uow, platform.directory, platform.backends, kiosk_id, session_id, platform.now()
        )
    return _json(
        schemas.HouseholdOut(
            members=[
                schemas.MemberOut(
                    ref=m.ref, name=m.name, relationship=m.relationship, is_self=m.is_self
                )
                for m in members
            ]
        )
    )


@spec.route(
    "POST",
    SESSION + "/requests",
    "Request a certificate (idempotent per idempotency_key)",
    body=schemas.RequestBody,
    response=schemas.RequestOut,
    status=202,
    errors=(
        "IDEMPOTENCY_KEY_REUSED",
        "OUT_OF_HOURS",
        "MAINTENANCE",
        "DV_PROTECTED",
        "UNDER_15",
        "NOT_OFFERED",
        "MOVING_OUT",
        "MOVED_ABROAD",
        "USE_REGISTRATION_REQUIRED",
        "USE_REGISTRATION_PENDING",
        "NO_TAX_DATA_YET",
        "TAX_YEAR_NOT_OFFERED",
        "NOT_RESIDENT_ON_JANUARY_1",
        "WIDE_AREA_NOT_AVAILABLE",
    ),
)
@bp.post("/sessions/<session_id>/requests")
def submit(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    body = parse_body(schemas.RequestBody)
    new = services.NewRequest(
        CertificateKind(body.certificate),
        body.options,
        body.copies,
        body.idempotency_key,
    )
    with platform.uow() as uow:
        req, _created = services.submit_request(
            uow, platform.directory, platform.queue, kiosk_id, session_id, new, platform.now()
        )
        return _json(_request_out(req), 202)


@spec.route(
    "POST",
    SESSION + "/use-registrations",
    "File a 利用登録 with the 本籍地 (戸籍・附票 when 本籍地 ≠ 住所地)",
    response=schemas.UseRegistrationOut,
    status=201,
    errors=("USE_REGISTRATION_NOT_NEEDED", "NO_KOSEKI_RECORD", "DV_PROTECTED", "UNDER_15"),
)
@bp.post("/sessions/<session_id>/use-registrations")
def use_registration(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    with platform.uow() as uow:
        filed, name = services.file_use_registration(
            uow, platform.directory, kiosk_id, session_id, platform.now()
        )
        out = schemas.UseRegistrationOut(
            municipality_code=filed.municipality_code,
            municipality_name=name,
            usable_from=filed.usable_from,
        )
    return _json(out, 201)


@spec.route(
    "GET",
    REQUEST,
    "Poll a request until it is ready",
    response=schemas.RequestOut,
    errors=("REQUEST_NOT_FOUND",),
)
@bp.get("/sessions/<session_id>/requests/<request_id>")
def poll(session_id: str, request_id: str) -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    with platform.uow() as uow:
        return _json(_request_out(services.load_request(uow, kiosk_id, session_id, request_id)))


@spec.route(
    "GET",
    REQUEST + "/document",
    "Download the document once (then it leaves the centre)",
    content_type="application/pdf",
    errors=("REQUEST_NOT_FOUND", "DOCUMENT_ALREADY_DELIVERED", "REQUEST_STATE_CONFLICT"),
)
@bp.get("/sessions/<session_id>/requests/<request_id>/document")
def download(session_id: str, request_id: str) -> Response:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    with platform.uow() as uow:
        req, pdf = services.download_document(uow, kiosk_id, session_id, request_id, platform.now())
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Kofu-Serial"] = req.serial
    response.headers["X-Kofu-Document-Digest"] = req.document_digest or ""
    return response


@spec.route(
    "POST",
    REQUEST + "/confirmation",
    "Report the print result: printed is charged once, failed is void",
    body=schemas.ConfirmBody,
    response=schemas.RequestOut,
    errors=("REQUEST_NOT_FOUND", "REQUEST_STATE_CONFLICT"),
)
@bp.post("/sessions/<session_id>/requests/<request_id>/confirmation")
def confirm(session_id: str, request_id: str) -> tuple[Response, int]:
    platform = current_platform()
    kiosk_id = _kiosk(platform)
    body = parse_body(schemas.ConfirmBody)
    with platform.uow() as uow:
        req, changed = services.confirm_print(
            uow,
            platform.ledger,
            kiosk_id,
            session_id,
            request_id,
            body.result == "printed",
            platform.now(),
        )
        out = _request_out(req)
    if changed and out.state == "printed":
        metrics.ISSUED.labels(out.certificate).inc()
    return _json(out)

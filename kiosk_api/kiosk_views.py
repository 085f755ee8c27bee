"""The kiosk protocol v1: thin views that parse, call one use case, and shape the answer.

Sessions and the menu here; members in kiosk_member_views, requests in kiosk_request_views.
"""

from __future__ import annotations

import base64

from flask import Response

from centre import metrics
from centre.bootstrap import Platform
from issuance import services
from issuance.ports import UnitOfWork
from issuance.sessions import authentication
from kiosk_api import schemas
from kiosk_api.extension import current_platform
from kiosk_api.kiosk_common import SESSION, SESSION_CHECKS, as_json, b64, bp, kiosk_of, spec
from kiosk_api.openapi import parse_body

__all__ = ["bp", "spec"]


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
        "PHONE_CERT_REVOKED",
        "PHONE_CARD_REISSUED",
        "PHONE_CARD_REVOKED",
    ),
)
@bp.post("/sessions")
def open_session() -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        body = parse_body(schemas.OpenSessionBody)
        challenge = authentication.open_session(
            uow,
            kiosk_id,
            b64(body.certificate, "certificate"),
            platform.trust,
            platform.auth_policy,
            platform.now(),
        )
    return as_json(
        schemas.ChallengeOut(
            session_id=challenge.session_id,
            challenge=base64.b64encode(challenge.to_be_signed).decode(),
            expires_at=challenge.expires_at,
            card_generation=challenge.card_generation,
        ),
        201,
    )


@spec.route(
    "POST",
    SESSION + "/authenticate",
    "Answer the challenge with the card's signature",
    body=schemas.AuthenticateBody,
    response=schemas.SessionOut,
    errors=(
        "SIGNATURE_INVALID",
        "SIGNATURE_SCHEME_MISMATCH",
        "SIGNATURE_DIGEST_MISMATCH",
        "AUTH_METHOD_MISMATCH",
        "CHALLENGE_USED",
        "CHALLENGE_EXPIRED",
        *SESSION_CHECKS,
    ),
)
@bp.post("/sessions/<session_id>/authenticate")
def authenticate(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        body = parse_body(schemas.AuthenticateBody)
        session = authentication.authenticate_session(
            uow,
            kiosk_id,
            session_id,
            b64(body.signature, "signature"),
            platform.trust,
            platform.auth_policy,
            platform.now(),
            b64(body.device_report, "device_report") if body.device_report else None,
        )
        metrics.SIGN_INS.labels(session.credential, session.auth_method).inc()
        # The menu comes with the answer: the kiosk's next screen, one round trip fewer.
        menu = _menu(platform, uow, kiosk_id, session.id)
    return as_json(
        schemas.SessionOut(
            session_id=session.id,
            state=session.state.value,
            credential=session.credential,
            auth_method=session.auth_method,
            expires_at=session.expires_at,
            menu=menu,
        )
    )


@spec.route(
    "GET",
    SESSION + "/menu",
    "What this resident may get now, with fees or the reason not",
    response=schemas.MenuOut,
    errors=SESSION_CHECKS,
)
@bp.get("/sessions/<session_id>/menu")
def menu(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        return as_json(_menu(platform, uow, kiosk_id, session_id))


def _menu(platform: Platform, uow: UnitOfWork, kiosk_id: str, session_id: str) -> schemas.MenuOut:
    items = services.get_menu(
        uow, platform.directory, platform.trust, kiosk_id, session_id, platform.now()
    )
    return schemas.MenuOut(
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


# Imported for their routes on the same blueprint (they import nothing from here).
from kiosk_api import (  # noqa: E402, F401
    kiosk_member_views,
    kiosk_pin_reset_views,
    kiosk_request_views,
)

"""Kiosk views of a certificate request: submit, poll, download, confirm; 利用登録."""

from __future__ import annotations

import time

from flask import Response

from centre import metrics
from issuance import services
from issuance.errors import KofuError
from issuance.model import CertificateKind
from kiosk_api import schemas
from kiosk_api.extension import current_platform
from kiosk_api.kiosk_common import (
    REQUEST,
    SESSION,
    SESSION_CHECKS,
    as_json,
    bp,
    kiosk_of,
    request_out,
    spec,
)
from kiosk_api.openapi import parse_body, parse_query

PENDING_STATES = frozenset({"accepted", "rendering"})


@spec.route(
    "POST",
    SESSION + "/requests",
    "Request a certificate (idempotent per idempotency_key); with ?wait=N the answer may "
    "wait up to N s for it to be ready, as a poll would",
    body=schemas.RequestBody,
    response=schemas.RequestOut,
    status=202,
    query=schemas.PollQuery,
    errors=(
        *SESSION_CHECKS,
        "IDEMPOTENCY_KEY_REUSED",
        "OUT_OF_HOURS",
        "MAINTENANCE",
        "MUNICIPALITY_SUSPENDED",
        "NOT_OFFERED",
        "MOVING_OUT",
        "MOVED_ABROAD",
        "USE_REGISTRATION_REQUIRED",
        "USE_REGISTRATION_PENDING",
        "NO_TAX_DATA_YET",
        "TAX_YEAR_NOT_OFFERED",
        "NOT_RESIDENT_ON_JANUARY_1",
        "WIDE_AREA_NOT_AVAILABLE",
        "NO_SEAL_REGISTERED",
        "NO_TAX_RECORD",
        "NO_KOSEKI_RECORD",
        "KOSEKI_PENDING",
        "BACKEND_UNAVAILABLE",
        "RECORD_MISMATCH",
        "RECORDS_OUT_OF_SYNC",
    ),
)
@bp.post("/sessions/<session_id>/requests")
def submit(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        deadline = time.monotonic() + parse_query(schemas.PollQuery).wait
        body = parse_body(schemas.RequestBody)
        new = services.NewRequest(
            CertificateKind(body.certificate),
            body.options,
            body.copies,
            body.idempotency_key,
        )
        try:
            req, _created = services.submit_request(
                uow,
                platform.directory,
                platform.backends,
                platform.queue,
                platform.trust,
                kiosk_id,
                session_id,
                new,
                platform.now(),
            )
        except KofuError as error:
            if error.code == "RECORD_MISMATCH":  # the pre-check got someone else's record
                metrics.RECORD_MISMATCH.inc()
            raise
        out, municipality = request_out(req), req.municipality_code
    # Held like a poll: a kiosk that may wait usually gets "ready" here, one call fewer.
    return _held(kiosk_id, session_id, municipality, out, deadline, 202)


@spec.route(
    "POST",
    SESSION + "/use-registrations",
    "File a 利用登録 with the 本籍地 (戸籍・附票 when 本籍地 ≠ 住所地)",
    response=schemas.UseRegistrationOut,
    status=201,
    errors=(
        *SESSION_CHECKS,
        "USE_REGISTRATION_NOT_NEEDED",
        "NO_KOSEKI_RECORD",
        "MUNICIPALITY_NOT_PARTICIPATING",
        "MUNICIPALITY_SUSPENDED",
    ),
)
@bp.post("/sessions/<session_id>/use-registrations")
def use_registration(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        filed, name = services.file_use_registration(
            uow, platform.directory, platform.trust, kiosk_id, session_id, platform.now()
        )
        out = schemas.UseRegistrationOut(
            municipality_code=filed.municipality_code,
            municipality_name=name,
            usable_from=filed.usable_from,
        )
    return as_json(out, 201)


@spec.route(
    "GET",
    REQUEST,
    "Poll a request; with ?wait=N the answer waits up to N s for it to change state. A request "
    "its kind no longer allows (e.g. MOVING_OUT after a 転出届) is answered failed with that "
    "refusal",
    response=schemas.RequestOut,
    errors=(*SESSION_CHECKS, "REQUEST_NOT_FOUND", "INVALID_REQUEST"),
    query=schemas.PollQuery,
)
@bp.get("/sessions/<session_id>/requests/<request_id>")
def poll(session_id: str, request_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        deadline = time.monotonic() + parse_query(schemas.PollQuery).wait
        req = services.poll_request(
            uow, platform.trust, kiosk_id, session_id, request_id, platform.now()
        )
        out, municipality = request_out(req), req.municipality_code
    return _held(kiosk_id, session_id, municipality, out, deadline)


def _held(
    kiosk_id: str,
    session_id: str,
    municipality: str,
    out: schemas.RequestOut,
    deadline: float,
    status: int = 200,
) -> tuple[Response, int]:
    """Answer now if the request is done or may not wait; else wait for the job's signal."""
    platform = current_platform()
    if out.state not in PENDING_STATES or deadline <= time.monotonic():
        return as_json(out, status)
    # Every server thread held by a waiting kiosk is one fewer for sign-ins: past this
    # process's slots (or the municipality's share of them, for an own server) the answer
    # comes at once, and Retry-After tells the kiosk when to ask.
    with platform.poll_slot(municipality) as held:
        if not held:
            response, status = as_json(out, status)
            response.headers["Retry-After"] = "1"
            return response, status
        # Sleep on the job's announcement, then read the state again (the database is the
        # truth; a stale announcement only costs one more read).
        while out.state in PENDING_STATES and (left := deadline - time.monotonic()) > 0.01:
            platform.queue.await_change(out.request_id, left)
            with platform.uow() as uow:
                out = request_out(services.load_request(uow, kiosk_id, session_id, out.request_id))
    return as_json(out, status)


@spec.route(
    "GET",
    REQUEST + "/document",
    "Download the document once (then it leaves the centre)",
    content_type="application/pdf",
    errors=(
        *SESSION_CHECKS,
        "MOVING_OUT",
        "MOVED_ABROAD",
        "RECORDS_OUT_OF_SYNC",
        "HOUSEHOLD_MEMBER_MOVING_OUT",
        "REQUEST_NOT_FOUND",
        "DOCUMENT_ALREADY_DELIVERED",
        "DOCUMENT_GONE",
        "DOCUMENT_EXPIRED",
        "REQUEST_STATE_CONFLICT",
    ),
)
@bp.get("/sessions/<session_id>/requests/<request_id>/document")
def download(session_id: str, request_id: str) -> Response:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        req, pdf = services.download_document(
            uow, platform.trust, kiosk_id, session_id, request_id, platform.now()
        )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Kofu-Serial"] = req.serial
    response.headers["X-Kofu-Document-Digest"] = req.document_digest or ""
    return response


@spec.route(
    "POST",
    REQUEST + "/confirmation",
    "Report the print result: printed is charged once, failed is void (even once the session "
    "has ended, or the request is unconfirmed: the paper may exist), up to 72 h after the "
    "download",
    body=schemas.ConfirmBody,
    response=schemas.RequestOut,
    errors=("REQUEST_NOT_FOUND", "REQUEST_STATE_CONFLICT", "CONFIRMATION_TOO_LATE"),
)
@bp.post("/sessions/<session_id>/requests/<request_id>/confirmation")
def confirm(session_id: str, request_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        body = parse_body(schemas.ConfirmBody)
        req, changed = services.confirm_print(
            uow,
            platform.ledger,
            kiosk_id,
            session_id,
            request_id,
            body.result == "printed",
            platform.now(),
        )
        out = request_out(req)
    if changed and out.state == "printed":
        metrics.ISSUED.labels(out.certificate).inc()
    return as_json(out)

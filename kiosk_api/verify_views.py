"""Public verification: anyone scans a document's QR code; no login, nothing personal shown."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from flask import Blueprint, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from issuance.authenticity.pades import PadesFiles, read_revisions
from issuance.authenticity.pdf_input import MAX_PDF_BYTES, PdfUnreadableError
from issuance.authenticity.register import Verification, token_in_pdf, verify_pdf, verify_token
from issuance.authenticity.tokens import check_shape
from issuance.model import KIND_LABELS, CertificateKind
from kiosk_api import schemas
from kiosk_api.errors import ApiError
from kiosk_api.extension import current_platform
from kiosk_api.kiosk_common import spec
from kiosk_api.limits import read_body, whole_form_body
from municipalities.model import Municipality

bp = Blueprint("verify", __name__)

TOO_LARGE = ApiError(
    "BODY_TOO_LARGE",
    "ファイルが大きすぎます。交付された PDF ファイルをそのまま送信してください。",
    "The file is too large. Send the PDF file exactly as it was issued.",
)


def _limit() -> None:
    current_app.extensions["kofu_verify_limiter"].hit(request.remote_addr or "unknown")


def _describe(result: Verification) -> dict[str, object]:
    body: dict[str, object] = {"genuine": result.genuine, "status": result.status}
    if result.electronic_signature is not None:
        body["electronic_signature"] = result.electronic_signature
    if result.kind is not None:
        ja, en = KIND_LABELS.get(CertificateKind(result.kind), (result.kind, result.kind))
        platform = current_platform()
        with platform.uow() as uow:
            municipality = uow.session.get(Municipality, result.municipality_code)
            name = f"{municipality.prefecture}{municipality.name}" if municipality else None
        body.update(
            {
                "certificate": {"kind": result.kind, "ja": ja, "en": en},
                "municipality": {"code": result.municipality_code, "name": name},
                "issued_on": result.issued_on.isoformat() if result.issued_on else None,
                "pages": result.pages,
            }
        )
    return body


def _check(token: str) -> dict[str, object]:
    platform = current_platform()
    with platform.uow() as uow:
        return _describe(verify_token(uow, platform.keyring, token))


@bp.get("/verify")
def page() -> str:
    """The page a phone opens from the QR code."""
    _limit()
    token = request.args.get("t", "")
    return render_template("verify.html", result=_check(token) if token else None)


@spec.route(
    "GET",
    "/api/verify",
    "Check a document's QR code token (public: no credential, nothing personal)",
    query=schemas.TokenQuery,
    response=schemas.VerificationOut,
    errors=("TOKEN_MALFORMED", "RATE_LIMITED"),
    public=True,
)
@bp.get("/api/verify")
def api() -> Response:
    _limit()
    token = request.args.get("t", "")
    check_shape(token)  # missing, or not even shaped like a token: 400, before any work
    return jsonify(_check(token))


@spec.route(
    "POST",
    "/api/verify/pdf",
    "Check an electronic copy (the PDF as the body, at most 5 MiB)",
    response=schemas.VerificationOut,
    errors=("INVALID_REQUEST", "PDF_UNREADABLE", "BODY_TOO_LARGE", "RATE_LIMITED"),
    body_type="application/pdf",
    public=True,
)
@bp.post("/api/verify/pdf")
def api_pdf() -> Response:
    """An electronic copy: genuine if the file is byte for byte the one issued, or that file
    with the centre's PAdES signature appended (``electronic_signature`` says which)."""
    request.max_content_length = MAX_PDF_BYTES  # a long 住民票 is larger than a kiosk call
    pdf = read_body()  # first: a refusal sent before the body is read reaches no one
    _limit()
    return jsonify(_check_pdf(pdf))


@bp.post("/verify")
def page_pdf() -> str | tuple[str, int]:
    """The page's upload form: a recipient checks the electronic copy they were sent."""
    request.max_content_length = MAX_PDF_BYTES
    request.max_form_memory_size = MAX_PDF_BYTES
    try:
        whole_form_body()
        request.get_data()  # kept for the form parser; read before any refusal (see api_pdf)
    except RequestEntityTooLarge:
        return render_template("verify.html", result=None, upload_error=TOO_LARGE), 413
    _limit()
    upload = request.files.get("pdf")
    try:
        result = _check_pdf(upload.read() if upload is not None else b"")
    except (ApiError, PdfUnreadableError) as error:
        return render_template("verify.html", result=None, upload_error=error)
    return render_template("verify.html", result=result)


def _check_pdf(pdf: bytes) -> dict[str, object]:
    if len(pdf) > MAX_PDF_BYTES or not pdf.startswith(b"%PDF"):
        raise ApiError(
            "INVALID_REQUEST", "PDFファイルを送信してください。", "Send the PDF file as the body."
        )
    platform = current_platform()
    pades_dir = platform.settings.pades_dir
    centre_ca = PadesFiles(pades_dir).ca if pades_dir is not None else None
    token = token_in_pdf(pdf)
    if token is None:
        signature = read_revisions(pdf, centre_ca).electronic_signature.value
        return {"genuine": False, "status": "unknown", "electronic_signature": signature}
    with platform.uow() as uow:
        return _describe(verify_pdf(uow, platform.keyring, token, pdf, centre_ca))


@bp.get("/verify/keys.json")
def keys() -> Response:
    """The centre's public keys, for anyone who wants to check tokens offline."""
    keyring = current_platform().keyring
    public = {
        kid: base64.b64encode(
            keyring.public_key(kid).public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        ).decode()
        for kid in keyring.kids()
    }
    return jsonify({"algorithm": "Ed25519", "keys": public})

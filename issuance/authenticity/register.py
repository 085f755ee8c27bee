"""The register of issued documents, kept for years, and what a recipient's check returns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.authenticity.pades import ElectronicSignature, read_revisions
from issuance.authenticity.pdf_input import (
    MAX_PDF_BYTES,
    PdfUnreadableError,
    pypdf_reader,
    untrusted_pdf,
)
from issuance.authenticity.tokens import DocumentClaims, Keyring, TokenError
from issuance.ports import UnitOfWork


@dataclass(frozen=True)
class Verification:
    genuine: bool
    status: str  # issued, pending, void, unknown, forged, altered
    kind: str | None = None
    municipality_code: str | None = None
    issued_on: date | None = None
    pages: int | None = None
    electronic_signature: str | None = None  # PDF checks only: an ElectronicSignature value


def content_digest(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def register_document(
    uow: UnitOfWork, claims: DocumentClaims, key_id: str, pdf_digest: str, pages: int, now: datetime
) -> None:
    """Record a rendered document as pending; the caller commits with the request's change."""
    uow.documents.put(
        IssuedDocument(
            serial=claims.serial,
            kind=claims.kind,
            municipality_code=claims.municipality_code,
            issued_on=claims.issued_on,
            key_id=key_id,
            content_digest=claims.content_digest,
            pdf_digest=pdf_digest,
            pages=pages,
            status=DocumentStatus.PENDING,
            created_at=now,
        )
    )


def set_status(uow: UnitOfWork, serial: str, status: DocumentStatus) -> None:
    uow.documents.set_status(serial, status)


def verify_token(uow: UnitOfWork, keyring: Keyring, token: str) -> Verification:
    """What a bank or landlord sees after scanning the QR code."""
    try:
        kid, claims = keyring.verify(token)
    except TokenError:
        return Verification(False, "forged")
    record = uow.documents.get(claims.serial)
    if record is None or record.key_id != kid or record.content_digest != claims.content_digest:
        return Verification(False, "unknown")
    return Verification(
        record.status is DocumentStatus.ISSUED,
        record.status.value,
        record.kind,
        record.municipality_code,
        record.issued_on,
        record.pages,
    )


def verify_pdf(
    uow: UnitOfWork, keyring: Keyring, token: str, pdf: bytes, centre_ca: Path | None = None
) -> Verification:
    """An electronic copy: the token must be genuine and the file exactly what was issued,
    or that file extended only by the centre's PAdES signatures (``centre_ca`` vouches for
    them; without it no signed copy verifies).
    """
    result = verify_token(uow, keyring, token)
    record = _record(uow, keyring, token) if result.genuine else None
    if record is not None and hashlib.sha256(pdf).hexdigest() == record.pdf_digest:
        return replace(result, electronic_signature=ElectronicSignature.ABSENT.value)
    revisions = read_revisions(pdf, centre_ca)
    signature = revisions.electronic_signature.value
    if record is None:
        return replace(result, electronic_signature=signature)
    if revisions.extends(pdf, record.pdf_digest):
        return replace(result, electronic_signature=signature)
    return replace(result, genuine=False, status="altered", electronic_signature=signature)


def _record(uow: UnitOfWork, keyring: Keyring, token: str) -> IssuedDocument:
    _, claims = keyring.verify(token)
    record = uow.documents.get(claims.serial)
    assert record is not None
    return record


TOKEN_PREFIX = "kofu-token:"


def token_in_pdf(pdf: bytes) -> str | None:
    """The token the renderer put in the PDF's keywords, or None if it has none.

    A file that is too large or cannot be read raises PdfUnreadableError.
    """
    if len(pdf) > MAX_PDF_BYTES:
        raise PdfUnreadableError()
    with untrusted_pdf():
        metadata = pypdf_reader(pdf).metadata
        keywords = str(metadata.get("/Keywords", "")) if metadata is not None else ""
    for word in keywords.replace(",", " ").split():
        if word.startswith(TOKEN_PREFIX):
            return word[len(TOKEN_PREFIX) :]
    return None


__all__ = [
    "DocumentStatus",
    "IssuedDocument",
    "Verification",
    "content_digest",
    "register_document",
    "set_status",
    "token_in_pdf",
    "verify_pdf",
    "verify_token",
]

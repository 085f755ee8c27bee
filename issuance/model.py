"""Certificate requests and their lifecycle; the rendered document; audit; 利用登録 rows."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime, str_enum
from issuance.errors import KofuError


class CertificateKind(enum.StrEnum):
    JUMINHYO = "juminhyo"  # 住民票の写し
    JUMINHYO_KISAI = "juminhyo_kisai"  # 住民票記載事項証明書
    INKAN = "inkan"  # 印鑑登録証明書
    KAZEI = "kazei"  # 課税証明書
    SHOTOKU = "shotoku"  # 所得証明書
    KOSEKI_ZENBU = "koseki_zenbu"  # 戸籍全部事項証明書
    KOSEKI_KOJIN = "koseki_kojin"  # 戸籍個人事項証明書
    KOSEKI_FUHYO = "koseki_fuhyo"  # 戸籍の附票の写し


KIND_LABELS: dict[CertificateKind, tuple[str, str]] = {
    CertificateKind.JUMINHYO: ("住民票の写し", "Certificate of residence (copy)"),
    CertificateKind.JUMINHYO_KISAI: (
        "住民票記載事項証明書",
        "Certificate of resident record items",
    ),
    CertificateKind.INKAN: ("印鑑登録証明書", "Seal registration certificate"),
    CertificateKind.KAZEI: ("課税証明書", "Tax assessment certificate"),
    CertificateKind.SHOTOKU: ("所得証明書", "Income certificate"),
    CertificateKind.KOSEKI_ZENBU: ("戸籍全部事項証明書", "Family register, all entries"),
    CertificateKind.KOSEKI_KOJIN: ("戸籍個人事項証明書", "Family register, individual entry"),
    CertificateKind.KOSEKI_FUHYO: ("戸籍の附票の写し", "Family register address annex (copy)"),
}


class RequestState(enum.StrEnum):
    ACCEPTED = "accepted"  # committed, render job enqueued
    RENDERING = "rendering"
    READY = "ready"  # document waiting for its one download
    DELIVERED = "delivered"  # downloaded by the kiosk that asked; awaiting print result
    # Delivered, and no print result came in time (the kiosk crashed?): settled later by the
    # kiosk's late report or the operator's print log (照合); not billed until then.
    UNCONFIRMED = "unconfirmed"
    PRINTED = "printed"  # charged: exactly one billing event
    VOIDED = "voided"  # print failed: no charge
    FAILED = "failed"  # refused or could not be rendered: no charge
    EXPIRED = "expired"  # never collected: no charge


FINAL_STATES = frozenset(
    {RequestState.PRINTED, RequestState.VOIDED, RequestState.FAILED, RequestState.EXPIRED}
)

# Not yet out of the centre: what a failed check later in the session withdraws.
OPEN_STATES = frozenset({RequestState.ACCEPTED, RequestState.RENDERING, RequestState.READY})

# Out of the centre, print result not recorded: the paper may exist.
UNSETTLED_STATES = frozenset({RequestState.DELIVERED, RequestState.UNCONFIRMED})


class RequestStateError(KofuError):
    code = "REQUEST_STATE_CONFLICT"
    message_ja = "この証明書の手続きは現在その操作ができません。"
    message_en = "The request is not in a state that allows this."


class CertificateRequest(Base):
    """One resident's request for one certificate at one kiosk, from acceptance to print."""

    __tablename__ = "issuance_certificate_request"
    __table_args__ = (
        UniqueConstraint("session_id", "idempotency_key"),
        # Recent failures by code: the public status page's failing backends (migration 0022).
        Index(
            "ix_issuance_certificate_request_failure_code_updated_at", "failure_code", "updated_at"
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("issuance_kiosk_session.id"), index=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("issuance_kiosk.id"), index=True)
    juminhyo_code: Mapped[str] = mapped_column(String(11))
    municipality_code: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[CertificateKind] = mapped_column(str_enum(CertificateKind, 20))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    copies: Mapped[int]
    idempotency_key: Mapped[str] = mapped_column(String(64))
    body_digest: Mapped[str] = mapped_column(String(64))
    state: Mapped[RequestState] = mapped_column(
        str_enum(RequestState, 20),
        index=True,
    )
    fee_per_copy: Mapped[int]
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int | None]
    document_digest: Mapped[str | None] = mapped_column(String(64))
    failure_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def fee_total(self) -> int:
        return self.fee_per_copy * self.copies

    def _move(self, to: RequestState, allowed: set[RequestState], now: datetime) -> None:
        if self.state not in allowed:
            raise RequestStateError(
                details_state=self.state.value,
                message_en=f"The request is {self.state.value}; it cannot become {to.value}.",
            )
        self.state = to
        self.updated_at = now

    def start_rendering(self, now: datetime) -> None:
        self._move(RequestState.RENDERING, {RequestState.ACCEPTED, RequestState.RENDERING}, now)
        self.attempts += 1

    def mark_ready(self, digest: str, pages: int, now: datetime) -> None:
        self._move(RequestState.READY, {RequestState.RENDERING}, now)
        self.document_digest = digest
        self.pages = pages
        self.ready_at = now

    def fail(self, code: str, now: datetime) -> None:
        self._move(RequestState.FAILED, {RequestState.ACCEPTED, RequestState.RENDERING}, now)
        self.failure_code = code

    def withdraw(self, code: str, now: datetime) -> None:
        """Refused before it left the centre by a check made again later in its session.

        Ends ``failed`` with the refusal's code, at no charge; the caller deletes a ready
        document in the same transaction. A delivered request is past this point (the paper
        may exist): RequestStateError.
        """
        self._move(RequestState.FAILED, set(OPEN_STATES), now)
        self.failure_code = code

    def deliver(self, now: datetime) -> None:
        if self.state is RequestState.DELIVERED:
            raise RequestStateError(
                "DOCUMENT_ALREADY_DELIVERED",
                "この証明書はすでに受け取り済みです。",
                "This document has already been downloaded.",
            )
        self._move(RequestState.DELIVERED, {RequestState.READY}, now)
        self.delivered_at = now

    def confirm(self, printed: bool, now: datetime) -> bool:
        """Record the print result; returns False when the same result was already recorded.

        A delivered or unconfirmed request takes either result; a ready one only ``failed``
        (nothing left the centre). A different result after one was recorded is refused.
        """
        target = RequestState.PRINTED if printed else RequestState.VOIDED
        if self.state is target:
            return False
        allowed = set(UNSETTLED_STATES) if printed else {RequestState.READY, *UNSETTLED_STATES}
        self._move(target, allowed, now)
        self.confirmed_at = now
        return True

    def mark_unconfirmed(self, now: datetime) -> None:
        """No print result within the wait after delivery: the operator's print log decides."""
        self._move(RequestState.UNCONFIRMED, {RequestState.DELIVERED}, now)

    def expire(self, now: datetime) -> None:
        self._move(RequestState.EXPIRED, {RequestState.READY}, now)


class Document(Base):
    """A rendered PDF, held only until its one download or its TTL."""

    __tablename__ = "issuance_document"

    request_id: Mapped[str] = mapped_column(
        ForeignKey("issuance_certificate_request.id"), primary_key=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    # Who the PDF names (住民票コード), checked against the index again at download; of them,
    # the 戸籍 members printed as 除籍. None only for documents held before they were stored.
    subject_codes: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    removed_codes: Mapped[list[str] | None] = mapped_column(JSON, default=None)


class RecordAccess(Base):
    """Audit: every time the centre reads a resident's record, who asked and why."""

    __tablename__ = "issuance_record_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    juminhyo_code: Mapped[str] = mapped_column(String(11), index=True)
    municipality_code: Mapped[str] = mapped_column(String(6))
    kiosk_id: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str | None] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(40))
    # the card of the session that read it: rsa2048 or p384 (signature_schemes.CardGeneration)
    card_generation: Mapped[str | None] = mapped_column(String(10))
    # On a sign-in's row (purpose "sign_in"): the credential and how its holder was checked.
    credential: Mapped[str | None] = mapped_column(String(10))
    auth_method: Mapped[str | None] = mapped_column(String(24))


class UseRegistration(Base):
    """Filed at a kiosk (or counter); usable once the 本籍地 has processed it."""

    __tablename__ = "issuance_use_registration"

    juminhyo_code: Mapped[str] = mapped_column(String(11), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    usable_from: Mapped[date] = mapped_column(Date)

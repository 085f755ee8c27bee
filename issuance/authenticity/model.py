"""The issued-document register's table: each rendered document's identity and status."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime, str_enum


class DocumentStatus(enum.StrEnum):
    PENDING = "pending"  # rendered, not yet printed
    ISSUED = "issued"  # printed and charged: genuine
    # Downloaded by the kiosk, print not (yet) confirmed: the content is the centre's, the
    # issuance is settled by the kiosk's confirmation or the operator's print log (照合).
    UNCONFIRMED = "unconfirmed"
    VOID = "void"  # never printed, or withdrawn: not a valid document


class IssuedDocument(Base):
    """One rendered document's identity: no personal data, so it can be kept for years."""

    __tablename__ = "issuance_issued_document"

    serial: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[str] = mapped_column(String(6))
    issued_on: Mapped[date] = mapped_column(Date)
    key_id: Mapped[str] = mapped_column(String(20))
    content_digest: Mapped[str] = mapped_column(String(64))
    pdf_digest: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    status: Mapped[DocumentStatus] = mapped_column(str_enum(DocumentStatus, 20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

"""An extract uploaded from the portal: stored until its import job has run, then its outcome.

The file itself (residents' data) is kept only until the job has read it; what stays is who
uploaded it, when, its size and digest, the outcome, the report (row, field, code: never a
value) and the counts before → after per section.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime, str_enum


class UploadState(enum.StrEnum):
    QUEUED = "queued"  # stored, waiting for a worker
    CHECKING = "checking"  # read and validated (nothing written yet)
    WRITING = "writing"  # valid: the sections are being replaced (one transaction)
    IMPORTED = "imported"
    REJECTED = "rejected"  # problems listed, nothing changed
    FAILED = "failed"  # the database refused, or the job died: nothing changed

    @property
    def finished(self) -> bool:
        return self in (UploadState.IMPORTED, UploadState.REJECTED, UploadState.FAILED)


class BclUpload(Base):
    __tablename__ = "municipalities_bcl_upload"
    __table_args__ = (
        Index("ix_municipalities_bcl_upload_when", "municipality_code", "uploaded_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex: the job's ID
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities_municipality.code"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("portal_staff_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    state: Mapped[UploadState] = mapped_column(str_enum(UploadState, 16))
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error_code: Mapped[str | None] = mapped_column(String(40))
    # [{"section", "row", "field", "code"}]: where and what, never the value
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # [{"section", "before", "after", "replaced"}]
    counts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

"""When a BCL municipality's records were last replaced: imports from the portal and from
`kofu bcl import` alike, so the portal's history and the overview's "last extract" see both."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select

from issuance.unit_of_work import SqlUnitOfWork
from municipalities.bcl_import import ImportReport
from municipalities.bcl_upload_model import BclUpload, UploadState


def record_command_line_import(
    uow: SqlUnitOfWork, code: str, content: bytes, report: ImportReport, now: datetime
) -> None:
    """Add an import made on the command line to the upload history (no account, no content
    kept: only its size, digest and rows before → after). Commits."""
    uow.session.add(
        BclUpload(
            id=secrets.token_hex(16),
            municipality_code=code,
            account_id=None,
            uploaded_at=now,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=None,
            state=UploadState.IMPORTED,
            rows_total=report.rows_written,
            rows_done=report.rows_written,
            finished_at=now,
            problems=[],
            counts=[
                {"section": s.section, "before": s.before, "after": s.after, "replaced": s.replaced}
                for s in report.sections
            ],
        )
    )
    uow.commit()


def last_import_at(uow: SqlUnitOfWork, code: str) -> datetime | None:
    """When municipality ``code``'s records were last replaced by an extract (None: never,
    as far as kofu has recorded)."""
    found: datetime | None = uow.session.scalar(
        select(func.max(BclUpload.finished_at)).where(
            BclUpload.municipality_code == code, BclUpload.state == UploadState.IMPORTED
        )
    )
    return found


def last_imports(uow: SqlUnitOfWork) -> dict[str, datetime]:
    """Every municipality's last import (code → when), for the national view."""
    rows = uow.session.execute(
        select(BclUpload.municipality_code, func.max(BclUpload.finished_at))
        .where(BclUpload.state == UploadState.IMPORTED)
        .group_by(BclUpload.municipality_code)
    ).all()
    return {code: at for code, at in rows if at is not None}

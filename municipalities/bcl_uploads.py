"""Extracts uploaded from the portal: stored and audited, imported by a job, then listed.

The import is `bcl_import.import_extract` (docs/bcl-format.md): every row validated first,
nothing changed unless everything is valid. The upload records its outcome; the file's
content is dropped once the job has run (it holds residents' data).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from issuance.characters import CertificateFontsMissingError
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.bcl_file import read_extract_bytes
from municipalities.bcl_import import ExtractRejectedError, ImportFailedError, import_extract
from municipalities.bcl_problems import Problem
from municipalities.bcl_upload_model import BclUpload, UploadState
from municipalities.model import BackendKind, Municipality

MAX_UPLOAD_BYTES = 32 * 1024 * 1024  # about 100,000 residents as JSON
SHOWN = 50  # uploads listed, newest first
STALE = timedelta(hours=1)  # an upload still unfinished after this no longer blocks the next
CRASHED = "BCL_IMPORT_CRASHED"
QUEUE_AWAY = "IMPORT_QUEUE_UNAVAILABLE"
SAME_AS_ROW = re.compile(r"\brow (\d+)\b")  # bcl_checks: "same as row 3", "… in row 3 too"
UowFactory = Callable[[], Any]  # a context manager yielding a SqlUnitOfWork


def bcl_municipality(uow: SqlUnitOfWork, code: str) -> Municipality:
    """Municipality ``code`` when its records are on the shared cloud; NotVisibleError else."""
    municipality = uow.session.get(Municipality, code)
    if municipality is None or municipality.backend_kind is not BackendKind.BCL:
        raise NotVisibleError()
    return municipality


def _refuse(code: str, ja: str, en: str) -> StaffInputError:
    return StaffInputError(code, ja, en)


def record_upload(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, content: bytes, now: datetime
) -> BclUpload:
    """Store an extract for the import job and audit it (one commit); returns the upload.

    Raises NotVisibleError (not an administrator of ``code``, or not a BCL member) or
    StaffInputError: UPLOAD_EMPTY, UPLOAD_TOO_LARGE (over MAX_UPLOAD_BYTES), UPLOAD_IN_PROGRESS
    (this municipality's previous upload is not finished: one import at a time, and a form
    posted twice stores one upload), UPLOAD_ALREADY_IMPORTED (the same file as the newest
    upload, which was imported: a double post imports nothing twice).
    """
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()
    bcl_municipality(uow, code)
    if not content:
        raise _refuse("UPLOAD_EMPTY", "ファイルを選んでください。", "Choose a file.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise _refuse(
            "UPLOAD_TOO_LARGE",
            f"ファイルは{MAX_UPLOAD_BYTES // 1024 // 1024}MB以下にしてください。",
            f"The file must be at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB.",
        )
    unfinished = uow.session.scalar(
        select(BclUpload.id).where(
            BclUpload.municipality_code == code,
            BclUpload.state.not_in([s for s in UploadState if s.finished]),
            BclUpload.uploaded_at > now - STALE,
        )
    )
    if unfinished is not None:
        raise _refuse(
            "UPLOAD_IN_PROGRESS",
            "前回のファイルを取り込み中です。終わってから送信してください。",
            "The previous file is still being imported. Send this one when it has finished.",
        )
    digest = hashlib.sha256(content).hexdigest()
    newest = uow.session.scalars(
        select(BclUpload)
        .where(BclUpload.municipality_code == code)
        .order_by(BclUpload.uploaded_at.desc())
        .limit(1)
    ).first()
    if newest is not None and newest.state is UploadState.IMPORTED and newest.sha256 == digest:
        raise _refuse(
            "UPLOAD_ALREADY_IMPORTED",
            "このファイルは直前に取り込んだものと同じです。",
            "This file is the one just imported.",
        )
    upload = BclUpload(
        id=secrets.token_hex(16),
        municipality_code=code,
        account_id=account.id,
        uploaded_at=now,
        size_bytes=len(content),
        sha256=digest,
        content=content,
        state=UploadState.QUEUED,
    )
    uow.session.add(upload)
    fields = {"size_bytes": upload.size_bytes, "sha256": upload.sha256}
    audit(uow, account.id, "bcl_upload", ("bcl_upload", upload.id), now, new=fields)
    uow.commit()
    return upload


def abandon_upload(uow_factory: UowFactory, upload_id: str, now: datetime) -> None:
    """The import of ``upload_id`` could not be queued: FAILED (IMPORT_QUEUE_UNAVAILABLE), its
    content dropped, so that it neither waits for ever nor blocks the next upload."""
    _finish(uow_factory, upload_id, now, state=UploadState.FAILED, error_code=QUEUE_AWAY)


def uploads_of(uow: SqlUnitOfWork, code: str) -> list[BclUpload]:
    """Municipality ``code``'s latest uploads, newest first (at most SHOWN)."""
    return list(
        uow.session.scalars(
            select(BclUpload)
            .where(BclUpload.municipality_code == code)
            .order_by(BclUpload.uploaded_at.desc(), BclUpload.id)
            .limit(SHOWN)
        )
    )


def upload_of(uow: SqlUnitOfWork, code: str, upload_id: str) -> BclUpload:
    """One upload of municipality ``code``; NotVisibleError for any other."""
    upload = uow.session.get(BclUpload, upload_id)
    if upload is None or upload.municipality_code != code:
        raise NotVisibleError()
    return upload


def where_and_what(problem: Problem) -> dict[str, Any]:
    """What an upload keeps of a problem: section, row, field and code, and for a DUPLICATE
    the row it repeats (``ref``). Never the message's text: it may quote the file."""
    kept: dict[str, Any] = {
        "section": problem.section,
        "row": problem.row,
        "field": problem.field,
        "code": problem.code,
    }
    repeated = SAME_AS_ROW.search(problem.message) if problem.code == "DUPLICATE" else None
    if repeated:
        kept["ref"] = int(repeated.group(1))
    return kept


def _set(uow_factory: UowFactory, upload_id: str, **values: Any) -> None:
    with uow_factory() as uow:
        uow.session.execute(update(BclUpload).where(BclUpload.id == upload_id).values(**values))
        uow.commit()


def _finish(uow_factory: UowFactory, upload_id: str, now: datetime, **values: Any) -> None:
    """The outcome, the content dropped, and the outcome audited (for whom uploaded it)."""
    with uow_factory() as uow:
        uow.session.execute(
            update(BclUpload)
            .where(BclUpload.id == upload_id)
            .values(finished_at=now, content=None, **values)
        )
        upload = uow.session.get(BclUpload, upload_id)
        outcome: dict[str, Any] = {"state": values["state"].value}
        if values.get("error_code"):
            outcome["error_code"] = values["error_code"]
        if values.get("problems"):
            outcome["problem_count"] = len(values["problems"])
        account = upload.account_id if upload else None
        audit(uow, account, "bcl_upload_result", ("bcl_upload", upload_id), now, new=outcome)
        uow.commit()


def run_upload(uow_factory: UowFactory, upload_id: str, clock: Callable[[], datetime]) -> str:
    """Import one stored upload; returns its final state. Safe to run twice: a finished
    upload is left as it is. Progress (rows written) is committed beside the import's own
    transaction, except on SQLite (one writer at a time: the import is it)."""
    with uow_factory() as uow:
        upload = uow.session.get(BclUpload, upload_id)
        if upload is None or upload.state.finished or upload.content is None:
            return upload.state.value if upload else "missing"
        code, content = upload.municipality_code, upload.content
        upload.state = UploadState.CHECKING
        uow.commit()
        concurrent = uow.session.get_bind().dialect.name != "sqlite"
    written = [0]

    def progress(rows: int) -> None:
        written[0] += rows
        if concurrent:
            _set(uow_factory, upload_id, state=UploadState.WRITING, rows_done=written[0])

    try:
        data = read_extract_bytes(content)
        total = sum(len(v) for v in data.values() if isinstance(v, list))
        _set(uow_factory, upload_id, rows_total=total)
        with uow_factory() as uow:
            report = import_extract(uow, code, data, progress)
    except ExtractRejectedError as rejected:
        problems = [where_and_what(p) for p in rejected.problems]
        _finish(
            uow_factory, upload_id, clock(), state=UploadState.REJECTED,
            error_code=rejected.code, problems=problems,
        )  # fmt: skip
        return UploadState.REJECTED.value
    except (ImportFailedError, CertificateFontsMissingError) as failed:
        _finish(uow_factory, upload_id, clock(), state=UploadState.FAILED, error_code=failed.code)
        return UploadState.FAILED.value
    except Exception:
        # Nothing was committed (the import is one transaction): say so, then let the worker
        # log the failure.
        _finish(uow_factory, upload_id, clock(), state=UploadState.FAILED, error_code=CRASHED)
        raise
    counts = [
        {"section": s.section, "before": s.before, "after": s.after, "replaced": s.replaced}
        for s in report.sections
    ]
    _finish(
        uow_factory, upload_id, clock(), state=UploadState.IMPORTED, rows_done=report.rows_written,
        counts=counts, problems=[],
    )  # fmt: skip
    return UploadState.IMPORTED.value

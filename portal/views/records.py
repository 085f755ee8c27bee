"""Municipal staff's records: upload a BCL extract (administrators), follow its import job,
read its report on the page or as CSV, and the history of uploads."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from issuance.calendar import JST
from issuance.ports import QueueUnavailableError
from issuance.staff.errors import StaffInputError
from issuance.staff.model import Role
from issuance.staff.tenancy import municipality_for
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from municipalities.bcl_uploads import (
    MAX_UPLOAD_BYTES,
    abandon_upload,
    record_upload,
    upload_of,
    uploads_of,
)
from municipalities.model import BackendKind, Municipality
from portal.extension import current_imports, current_platform
from portal.guard import requires
from portal.i18n import message, t
from portal.records_report import problem_text, report_csv, section_label
from portal.uploads import accepts_upload
from portal.views.municipal import own_account
from portal.views.own_server import server_facts

bp = Blueprint("records", __name__, url_prefix="/m/<code>/records")
STAFF = (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)


def _page(uow: SqlUnitOfWork, code: str, status: int = 200, **extra: object) -> ResponseReturnValue:
    municipality = uow.session.get(Municipality, code)
    assert municipality is not None  # municipality_for found its staff
    bcl = municipality.backend_kind is BackendKind.BCL
    uploads = uploads_of(uow, code) if bcl else []
    names = {}
    for account_id in {u.account_id for u in uploads if u.account_id is not None}:
        account = uow.staff_accounts.get(account_id)
        names[account_id] = account.display_name if account else "—"
    page = render_template(
        "records.html",
        code=code,
        bcl=bcl,
        uploads=uploads,
        who=lambda account_id: names.get(account_id, "—") if account_id else t("command_line"),
        server=None if bcl else server_facts(current_platform(), municipality),
        max_mb=MAX_UPLOAD_BYTES // 1024 // 1024,
        section_label=section_label,
        **extra,
    )
    return page, status


@bp.get("/")
@requires(*STAFF)
def listing(code: str) -> ResponseReturnValue:
    """BCL: the upload form (administrators) and the uploads, newest first; own server: its
    endpoint and client certificate. 404 for another municipality."""
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        return _page(sql_unit_of_work(uow), code)


@bp.post("/uploads")
@requires(*STAFF)  # a viewer reads the page: 403 here
@accepts_upload(MAX_UPLOAD_BYTES + 64 * 1024)
def upload(code: str) -> ResponseReturnValue:
    """Store the file and queue its import: 302 to its page; 422 with a stable code (empty,
    too large, an import in progress); 404 for another municipality or one not on BCL."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        sent = request.files.get("extract")
        try:
            stored = record_upload(sql, account, code, sent.read() if sent else b"", platform.now())
        except StaffInputError as error:
            return _page(sql, code, 422, error=message(error), error_code=error.code)
        upload_id = stored.id
    try:
        current_imports().enqueue_import(upload_id)
    except QueueUnavailableError:
        abandon_upload(platform.uow, upload_id, platform.now())
        flash(t("upload_queue_away"))
    return redirect(url_for("records.upload_page", code=code, upload_id=upload_id))


def _upload(code: str, upload_id: str, template: str) -> ResponseReturnValue:
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        found = upload_of(sql_unit_of_work(uow), code, upload_id)
        page = render_template(
            template,
            code=code,
            u=found,
            section_label=section_label,
            problem_text=problem_text,
        )
    response = Response(page)
    if template == "_upload_progress.html" and found.state.finished:
        response.headers["HX-Refresh"] = "true"  # htmx reloads the page: the report shows
    return response


@bp.get("/uploads/<upload_id>")
@requires(*STAFF)
def upload_page(code: str, upload_id: str) -> ResponseReturnValue:
    """One upload: its progress while the job runs (reloading itself), then its outcome, the
    counts before → after or every problem (row, field, code; never a value)."""
    return _upload(code, upload_id, "upload.html")


@bp.get("/uploads/<upload_id>/progress")
@requires(*STAFF)
def progress(code: str, upload_id: str) -> ResponseReturnValue:
    """The progress fragment htmx polls; once finished it asks for a full reload."""
    return _upload(code, upload_id, "_upload_progress.html")


@bp.get("/uploads/<upload_id>/report.csv")
@requires(*STAFF)
def report(code: str, upload_id: str) -> Response:
    """Every problem as CSV (UTF-8 with a BOM, so Excel opens it): section, row, field,
    code, problem in Japanese and English. Never a value of the file."""
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        found = upload_of(sql_unit_of_work(uow), code, upload_id)
        day = found.uploaded_at.astimezone(JST).strftime("%Y%m%d-%H%M")
        body = report_csv(found.problems or [])
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="bcl-report-{code}-{day}.csv"',
        },
    )

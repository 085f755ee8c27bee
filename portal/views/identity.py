"""Municipal staff's issuer identity: who certifies now and from when (the mayor's title and
name, the heading, the 公印), scheduling or withdrawing a change (administrators), the seal
images, and 見本 certificates as they will print at a chosen moment."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from centre.specimens import sample_kinds, sample_pdf, sample_png
from issuance.calendar import JST
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role
from issuance.staff.tenancy import municipality_for
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from municipalities.identity import (
    IdentityInput,
    identities_of,
    identity_at,
    identity_row,
    schedule_identity,
    withdraw_identity,
)
from municipalities.seal_image import MAX_BYTES, checked_seal, too_large
from portal.extension import current_platform
from portal.forms import IdentityForm, MomentForm, jst, parsed
from portal.guard import requires
from portal.i18n import message, t
from portal.views.confirmed import confirmed
from portal.views.municipal import kind_label, own_account

bp = Blueprint("identity", __name__, url_prefix="/m/<code>/identity")
FIELDS = ("effective_from", "mayor_title", "mayor_name", "header")
# A seal up to this size reaches ``checked_seal`` and is refused there with SEAL_TOO_LARGE
# (a page that says why); only a larger body gets the bare 413.
UPLOAD_LIMIT = 4 * 1024 * 1024


def allow_seal_uploads(app: Flask) -> None:
    """Let the seal form's body past the portal's 64 KiB limit: registered before CSRF
    reads the form, so the limit is raised for that one endpoint only."""

    @app.before_request
    def _raise_limit() -> None:
        if request.endpoint == "identity.schedule":
            request.max_content_length = UPLOAD_LIMIT


def _page(uow: SqlUnitOfWork, code: str, status: int = 200, **extra: object) -> ResponseReturnValue:
    now = current_platform().now()
    page = render_template(
        "identity.html",
        code=code,
        now=now,
        current=identity_at(uow, code, now),
        rows=identities_of(uow, code),
        **extra,
    )
    return page, status


@bp.get("/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def listing(code: str) -> ResponseReturnValue:
    """The identity now, the scheduled and past ones (the form for administrators)."""
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        return _page(sql_unit_of_work(uow), code, form={})


def _seal_upload() -> bytes | None:
    """The uploaded seal's bytes (None: none chosen); SEAL_TOO_LARGE past the limit."""
    upload = request.files.get("seal")
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_large()
    return data


@bp.post("/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)  # a viewer reads the page: 403 here
def schedule(code: str) -> ResponseReturnValue:
    """Schedule a change (multipart, the seal optional): 302 to the page; 422 with a stable
    code for bad input or a refused seal; 404 for another municipality."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        try:
            try:
                fields = request.form
                data = _seal_upload()
            except RequestEntityTooLarge:
                raise too_large() from None
            form = parsed(IdentityForm, fields)
            change = IdentityInput(
                effective_from=jst(form.effective_from.data),
                mayor_title=form.mayor_title.data,
                mayor_name=form.mayor_name.data,
                header=form.header.data or "",
                seal=checked_seal(data) if data is not None else None,
            )
            schedule_identity(sql, account, code, change, platform.now())
        except StaffInputError as error:
            values = {k: request.form.get(k, "")[:60] for k in FIELDS}
            return _page(sql, code, 422, form=values, error=message(error), error_code=error.code)
    flash(t("identity_scheduled"))
    return redirect(url_for("identity.listing", code=code))


@bp.get("/<int:identity_id>/seal.png")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def seal(code: str, identity_id: int) -> ResponseReturnValue:
    """The uploaded seal of one scheduled identity (PNG); 404 when it has none."""
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        row = identity_row(sql_unit_of_work(uow), code, identity_id)
        if row.seal_png is None:
            raise NotVisibleError()
        return Response(row.seal_png, mimetype="image/png")


@bp.route("/<int:identity_id>/withdraw", methods=["GET", "POST"])
@requires(Role.MUNICIPAL_ADMIN)
def withdraw(code: str, identity_id: int) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or withdraw a change not
    yet in effect: 302 to the page. 404 for one not the municipality's own."""
    return confirmed(
        code,
        lambda sql: identity_row(sql, code, identity_id),
        lambda sql, account, now: withdraw_identity(sql, account, code, identity_id, now),
        "identity_withdraw.html",
        url_for("identity.listing", code=code),
        t("identity_withdrawn"),
    )


def _moment() -> tuple[datetime, StaffInputError | None]:
    """``?at=`` (JST) or now; with the problem when it is unreadable (then now)."""
    at: datetime = current_platform().now()
    if request.args.get("at"):
        try:
            return jst(parsed(MomentForm, request.args).at.data), None
        except StaffInputError as refused:
            return at, refused
    return at, None


@bp.get("/samples")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def samples(code: str) -> ResponseReturnValue:
    """Each kind offered at ``?at=`` with its 見本's first page and PDF; 422 for ``at``
    unreadable."""
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        at, error = _moment()
        at_value = at.astimezone(JST).strftime("%Y-%m-%dT%H:%M")
        page = render_template(
            "samples.html",
            code=code,
            at=at,
            at_value=at_value,
            kinds=sample_kinds(sql_unit_of_work(uow), code, at),
            issuer=identity_at(sql_unit_of_work(uow), code, at),
            kind_label=kind_label,
            error=message(error) if error else None,
            error_code=error.code if error else None,
        )
        return page, 422 if error else 200


def _sample(code: str, kind: str, png: bool) -> Response:
    platform = current_platform()
    with platform.uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        at, _ = _moment()
        sql = sql_unit_of_work(uow)
        if png:
            return Response(
                sample_png(sql, platform.renderer, code, kind, at), mimetype="image/png"
            )
        pdf = sample_pdf(sql, platform.renderer, code, kind, at)
    stamp = at.astimezone(JST).strftime("%Y%m%d%H%M")
    filename = f"sample-{code}-{kind}-{stamp}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/samples/<kind>.png")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def sample_image(code: str, kind: str) -> Response:
    """The first page of the 見本 of ``kind`` at ``?at=`` as PNG; 404 for a kind not offered."""
    return _sample(code, kind, png=True)


@bp.get("/samples/<kind>.pdf")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def sample_document(code: str, kind: str) -> Response:
    """The 見本 of ``kind`` at ``?at=`` as a PDF download; 404 for a kind not offered."""
    return _sample(code, kind, png=False)

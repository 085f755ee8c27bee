"""Municipal staff's maintenance windows: listed for both roles, announced and cancelled by
administrators of their own municipality."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from issuance.model import CertificateKind
from issuance.staff.errors import StaffInputError
from issuance.staff.model import Role
from issuance.staff.tenancy import municipality_for
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from municipalities.maintenance import (
    WindowInput,
    announce_window,
    cancel_window,
    window_of,
    windows_of,
)
from portal.extension import current_platform
from portal.forms import MaintenanceForm, jst, parsed
from portal.guard import requires
from portal.i18n import message, t
from portal.views.confirmed import confirmed
from portal.views.municipal import kind_label, own_account

bp = Blueprint("maintenance", __name__, url_prefix="/m/<code>/maintenance")


def _page(uow: SqlUnitOfWork, code: str, status: int = 200, **extra: object) -> ResponseReturnValue:
    now = current_platform().now()
    page = render_template(
        "maintenance.html",
        code=code,
        now=now,
        windows=windows_of(uow, code, now),
        kinds=[kind.value for kind in CertificateKind],
        kind_label=kind_label,
        **extra,
    )
    return page, status


@bp.get("/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def listing(code: str) -> ResponseReturnValue:
    """Upcoming and past windows (the announce form for administrators); 404 for another's."""
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        return _page(sql_unit_of_work(uow), code, form={})


@bp.post("/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)  # a viewer reads the page: 403 here
def announce(code: str) -> ResponseReturnValue:
    """Announce a window: 302 to the list; 422 with a stable code for bad input; 404 for
    another municipality."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        try:
            form = parsed(MaintenanceForm, request.form)
            window = WindowInput(
                jst(form.starts.data),
                jst(form.ends.data),
                form.kind.data or None,
                form.note.data or "",
            )
            announce_window(sql, account, code, window, platform.now())
        except StaffInputError as error:
            form_values = {
                k: request.form.get(k, "")[:200] for k in ("starts", "ends", "kind", "note")
            }
            return _page(
                sql, code, 422, form=form_values, error=message(error), error_code=error.code
            )
    flash(t("maintenance_announced"))
    return redirect(url_for("maintenance.listing", code=code))


@bp.route("/<int:window_id>/cancel", methods=["GET", "POST"])
@requires(Role.MUNICIPAL_ADMIN)
def cancel(code: str, window_id: int) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or cancel: 302 to the
    list. 404 for a window not the municipality's own (nationwide ones included)."""
    return confirmed(
        code,
        lambda sql: window_of(sql, code, window_id),
        lambda sql, account, now: cancel_window(sql, account, code, window_id, now),
        "maintenance_cancel.html",
        url_for("maintenance.listing", code=code),
        t("maintenance_cancelled"),
        found_as="w",
        kind_label=kind_label,
    )
    flash(t("maintenance_cancelled"))
    return redirect(url_for("maintenance.listing", code=code))

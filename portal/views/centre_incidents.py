"""The centre's operators: incidents declared on the public status page (/status), and closed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from issuance.errors import KofuError
from issuance.staff.model import Role
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from municipalities.incidents import (
    MESSAGE_LENGTH,
    IncidentInput,
    close_incident,
    open_incident,
    open_incidents,
)
from municipalities.model import Municipality
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import message, t

bp = Blueprint("centre_incidents", __name__, url_prefix="/centre/incidents")
CENTRE = Role.CENTRE_OPERATOR


def _page(
    uow: SqlUnitOfWork, form: dict[str, str], status: int = 200, **error: str
) -> ResponseReturnValue:
    names = dict(
        uow.session.execute(
            select(Municipality.code, Municipality.name)
            .where(Municipality.participating)
            .order_by(Municipality.code)
        ).all()
    )
    shown = render_template(
        "centre_incidents.html",
        incidents=open_incidents(uow),
        names=names,
        form=form,
        longest=MESSAGE_LENGTH,
        **error,
    )
    return shown, status


@bp.get("/")
@requires(CENTRE)
def listing() -> ResponseReturnValue:
    """The incidents shown now, and the form to declare one."""
    with current_platform().uow() as uow:
        return _page(
            sql_unit_of_work(uow), {"municipality": "", "message_ja": "", "message_en": ""}
        )


@bp.post("/")
@requires(CENTRE)
def declare() -> ResponseReturnValue:
    """Declare an incident: 302 to the list; 422 with a stable code (the form kept)."""
    form = {
        k: request.form.get(k, "")[: MESSAGE_LENGTH + 1]
        for k in ("municipality", "message_ja", "message_en")
    }
    platform = current_platform()
    with platform.uow() as uow:
        sql = sql_unit_of_work(uow)
        incident = IncidentInput(
            form["municipality"] or None, form["message_ja"], form["message_en"]
        )
        try:
            open_incident(sql, incident, platform.now(), by=current_user.id)
        except KofuError as error:
            return _page(sql, form, 422, error=message(error), error_code=error.code)
    flash(t("incident_declared"))
    return redirect(url_for("centre_incidents.listing"))


@bp.post("/<int:incident_id>/close")
@requires(CENTRE)
def close(incident_id: int) -> ResponseReturnValue:
    """Close an incident (``confirm=yes`` required): 302 to the list, a refusal flashed."""
    if request.form.get("confirm") != "yes":
        flash(t("incident_close_unconfirmed"))
        return redirect(url_for("centre_incidents.listing"))
    platform = current_platform()
    with platform.uow() as uow:
        try:
            close_incident(sql_unit_of_work(uow), incident_id, platform.now(), by=current_user.id)
        except KofuError as error:
            flash(f"{message(error)} ({error.code})")
        else:
            flash(t("incident_closed"))
    return redirect(url_for("centre_incidents.listing"))

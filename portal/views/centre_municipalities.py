"""The centre's operators: municipalities taking part or not; joining, suspending, resuming."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from issuance.staff.errors import StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.ports import StaffUnitOfWork
from issuance.unit_of_work import sql_unit_of_work
from municipalities.model import BackendKind, MunicipalityClass
from municipalities.participation import join, municipalities, municipality, resume, suspend
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import message, t

bp = Blueprint("centre_municipalities", __name__, url_prefix="/centre/municipalities")
CENTRE = Role.CENTRE_OPERATOR


def _account(uow: StaffUnitOfWork) -> StaffAccount:
    account = uow.staff_accounts.get(current_user.id)
    assert account is not None  # the user loader found it this request
    return account


@bp.get("/")
@requires(CENTRE)
def listing() -> str:
    """Every municipality: taking part or not, suspended, backend, class, population.
    ``?status=`` (taking_part, suspended, not_taking_part) narrows the list."""
    status = request.args.get("status", "")
    with current_platform().uow() as uow:
        lines = municipalities(sql_unit_of_work(uow), _account(uow))
    shown = [m for m in lines if m.status == status] if status else lines
    counts = {
        s: sum(m.status == s for m in lines)
        for s in ("taking_part", "suspended", "not_taking_part")
    }
    return render_template("centre_municipalities.html", lines=shown, counts=counts, status=status)


@bp.route("/<code>/join", methods=["GET", "POST"])
@requires(CENTRE)
def join_form(code: str) -> ResponseReturnValue:
    """The joining form (GET), or join (POST): 302 to the list; 422 with a stable code."""
    platform = current_platform()
    with platform.uow() as uow:
        sql, account = sql_unit_of_work(uow), _account(uow)
        found = municipality(sql, account, code)
        form = {
            "backend": found.backend_kind.value,
            "klass": found.municipality_class.value,
            "population": str(found.population),
        }
        page = {
            "m": found,
            "backends": [b.value for b in BackendKind],
            "classes": [c.value for c in MunicipalityClass],
        }
        if request.method == "GET":
            return render_template("centre_join.html", form=form, **page)
        form = {k: request.form.get(k, "")[:40] for k in form}
        try:
            join(sql, account, found.code, now=platform.now(), **form)
        except StaffInputError as error:
            return render_template(
                "centre_join.html", form=form, error=message(error), error_code=error.code, **page
            ), 422
        flash(t("municipality_joined", name=found.name))
    return redirect(url_for("centre_municipalities.listing"))


@bp.route("/<code>/suspend", methods=["GET", "POST"])
@requires(CENTRE)
def suspend_form(code: str) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or suspend: 302 to the
    list (a refusal flashed with its code)."""
    platform = current_platform()
    with platform.uow() as uow:
        sql, account = sql_unit_of_work(uow), _account(uow)
        found = municipality(sql, account, code)
        if request.method == "GET" or request.form.get("confirm") != "yes":
            return render_template("centre_suspend.html", m=found)
        name = found.name
        try:
            suspend(sql, account, found.code, platform.now())
        except StaffInputError as error:
            flash(f"{message(error)}（{error.code}）")
            return redirect(url_for("centre_municipalities.listing"))
    flash(t("municipality_suspended", name=name))
    return redirect(url_for("centre_municipalities.listing"))


@bp.post("/<code>/resume")
@requires(CENTRE)
def resume_now(code: str) -> ResponseReturnValue:
    """End a suspension: 302 to the list (a refusal flashed with its code)."""
    platform = current_platform()
    with platform.uow() as uow:
        sql, account = sql_unit_of_work(uow), _account(uow)
        name = municipality(sql, account, code).name
        try:
            resume(sql, account, code, platform.now())
        except StaffInputError as error:
            flash(f"{message(error)}（{error.code}）")
            return redirect(url_for("centre_municipalities.listing"))
    flash(t("municipality_resumed", name=name))
    return redirect(url_for("centre_municipalities.listing"))

"""Municipal staff's service settings: each kind's offering now (fee, hours by 平日 / 土曜 /
日曜・祝日) and its scheduled changes, scheduling or withdrawing a change (administrators), and
the menu a resident would see at a moment. The municipality's own settings share the page
(portal/views/municipal_settings.py)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from issuance.calendar import JST
from issuance.model import CertificateKind
from issuance.ports import Offering
from issuance.service_hours import DayClass
from issuance.staff.errors import StaffInputError
from issuance.staff.model import Role
from issuance.staff.tenancy import municipality_for
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from municipalities.municipal_settings import settings_of
from municipalities.offerings import (
    OfferingInput,
    change_of,
    offering_in_effect,
    schedule_offering_change,
    services_of,
    withdraw_offering_change,
)
from municipalities.preview import preview_at
from portal.extension import current_platform
from portal.forms import MomentForm, OfferingChangeForm, hours_from, jst, parsed
from portal.guard import requires
from portal.i18n import message, t
from portal.views.confirmed import confirmed
from portal.views.municipal import kind_label, own_account, reason_label

bp = Blueprint("services", __name__, url_prefix="/m/<code>/services")
HOURS_FIELDS = tuple(f"{cls}_{end}" for cls in DayClass for end in ("opens", "closes", "closed"))
FIELDS = ("kind", "effective_from", "offered", "fee", *HOURS_FIELDS)


def services_page(
    uow: SqlUnitOfWork, code: str, status: int = 200, **extra: object
) -> ResponseReturnValue:
    """The services page: offerings, their changes, the municipality's settings, the forms
    (``form`` / ``settings_form``: the values typed, to show again with an error)."""
    now = current_platform().now()
    extra = {"form": {}, "settings_form": {}, **extra}
    page = render_template(
        "services.html",
        code=code,
        now=now,
        services=services_of(uow, code, now),
        settings=settings_of(uow, code, now),
        kinds=[kind.value for kind in CertificateKind],
        day_classes=[cls.value for cls in DayClass],
        kind_label=kind_label,
        **extra,
    )
    return page, status


def as_form(offering: Offering | None, kind: str, at: str) -> dict[str, str]:
    """The schedule form filled with ``offering`` (what applies at ``at``, typed JST)."""
    values = {"kind": kind, "effective_from": at}
    if offering is None:
        return values
    values |= {"offered": "yes" if offering.offered else "no", "fee": str(offering.fee)}
    for cls, day in offering.hours.items():
        if day is None:
            values[f"{cls}_closed"] = "yes"
        else:
            values[f"{cls}_opens"] = day.opens.strftime("%H:%M")
            values[f"{cls}_closes"] = day.closes.strftime("%H:%M")
    return values


@bp.get("/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def listing(code: str) -> ResponseReturnValue:
    """Each kind's offering now, its changes to come and in effect (the form for
    administrators, filled with what applies to ``?kind=`` at ``?effective_from=`` (JST),
    else to the first kind now)."""
    platform = current_platform()
    with platform.uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        sql = sql_unit_of_work(uow)
        kind = request.args.get("kind", CertificateKind.JUMINHYO.value)
        at, typed = platform.now(), ""
        if request.args.get("effective_from"):
            try:
                moment = parsed(MomentForm, MultiDict({"at": request.args["effective_from"]}))
                at, typed = jst(moment.at.data), request.args["effective_from"][:16]
            except StaffInputError as error:
                return services_page(sql, code, 422, error=message(error), error_code=error.code)
        if kind not in set(CertificateKind):
            kind = CertificateKind.JUMINHYO.value
        form = as_form(offering_in_effect(sql, code, kind, at), kind, typed)
        return services_page(sql, code, form=form)


@bp.post("/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)  # a viewer reads the page: 403 here
def schedule(code: str) -> ResponseReturnValue:
    """Schedule a change: 302 to the page; 422 with a stable code for bad input; 404 for
    another municipality."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        try:
            form = parsed(OfferingChangeForm, request.form)
            change = OfferingInput(
                kind=form.kind.data,
                effective_from=jst(form.effective_from.data),
                offered=form.offered.data == "yes",
                fee=form.fee.data,
                hours=hours_from(form),
            )
            schedule_offering_change(sql, account, code, change, platform.now())
        except StaffInputError as error:
            values = {k: request.form.get(k, "")[:40] for k in FIELDS}
            return services_page(
                sql, code, 422, form=values, error=message(error), error_code=error.code
            )
    flash(t("offering_scheduled"))
    return redirect(url_for("services.listing", code=code))


@bp.get("/preview")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def preview(code: str) -> ResponseReturnValue:
    """The kiosk menu at ``?at=`` (JST; now when absent): 422 for a date-time unreadable."""
    platform = current_platform()
    with platform.uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        at: datetime = platform.now()
        error = None
        if request.args.get("at"):
            try:
                at = jst(parsed(MomentForm, request.args).at.data)
            except StaffInputError as refused:
                error = refused
        shown = preview_at(sql_unit_of_work(uow), code, at)
        page = render_template(
            "preview.html",
            code=code,
            at=at,
            at_value=at.astimezone(JST).strftime("%Y-%m-%dT%H:%M"),
            preview=shown,
            lines=shown.lines,
            kind_label=kind_label,
            reason_label=reason_label,
            error=message(error) if error else None,
            error_code=error.code if error else None,
        )
        return page, 422 if error else 200


@bp.route("/<int:change_id>/withdraw", methods=["GET", "POST"])
@requires(Role.MUNICIPAL_ADMIN)
def withdraw(code: str, change_id: int) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or withdraw a change not
    yet in effect: 302 to the page. 404 for a change not the municipality's own."""
    return confirmed(
        code,
        lambda sql: change_of(sql, code, change_id),
        lambda sql, account, now: withdraw_offering_change(sql, account, code, change_id, now),
        "offering_withdraw.html",
        url_for("services.listing", code=code),
        t("offering_withdrawn"),
        kind_label=kind_label,
    )

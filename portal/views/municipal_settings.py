"""A municipality's own settings from a date and time (the 戸籍 利用登録 delay, the wide-area
tax opt-in): scheduling and withdrawing a change (administrators), shown on the services page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from issuance.staff.errors import StaffInputError
from issuance.staff.model import Role
from issuance.unit_of_work import sql_unit_of_work
from municipalities.municipal_settings import (
    SettingsInput,
    schedule_settings_change,
    setting_change_of,
    withdraw_settings_change,
)
from portal.extension import current_platform
from portal.forms import SettingsForm, jst, parsed
from portal.guard import requires
from portal.i18n import message, t
from portal.views.confirmed import confirmed
from portal.views.municipal import own_account
from portal.views.services import services_page

bp = Blueprint("settings", __name__, url_prefix="/m/<code>/services/settings")
FIELDS = ("effective_from", "koseki_registration_days", "wide_area_tax")


@bp.post("/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)  # a viewer reads the page: 403 here
def schedule(code: str) -> ResponseReturnValue:
    """Schedule a settings change: 302 to the services page; 422 with a stable code for bad
    input; 404 for another municipality."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        try:
            form = parsed(SettingsForm, request.form)
            change = SettingsInput(
                effective_from=jst(form.effective_from.data),
                koseki_registration_days=form.koseki_registration_days.data,
                wide_area_tax=form.wide_area_tax.data == "yes",
            )
            schedule_settings_change(sql, account, code, change, platform.now())
        except StaffInputError as error:
            values = {k: request.form.get(k, "")[:40] for k in FIELDS}
            return services_page(
                sql,
                code,
                422,
                settings_form=values,
                settings_error=message(error),
                settings_error_code=error.code,
            )
    flash(t("settings_scheduled"))
    return redirect(url_for("services.listing", code=code, _anchor="settings-history"))


@bp.route("/<int:setting_id>/withdraw", methods=["GET", "POST"])
@requires(Role.MUNICIPAL_ADMIN)
def withdraw(code: str, setting_id: int) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or withdraw a change not
    yet in effect: 302 to the services page. 404 for a change not the municipality's own."""
    return confirmed(
        code,
        lambda sql: setting_change_of(sql, code, setting_id),
        lambda sql, account, now: withdraw_settings_change(sql, account, code, setting_id, now),
        "settings_withdraw.html",
        url_for("services.listing", code=code),
        t("settings_withdrawn"),
        after=url_for("services.listing", code=code, _anchor="settings-history"),
    )

"""The centre's operators' national view: issuances by minute, queue, p95, refusals, alarms."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template

from issuance.calendar import JST
from issuance.staff.model import Role
from issuance.unit_of_work import sql_unit_of_work
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import t
from portal.national import national_view
from portal.sparkline import sparkline
from portal.views.municipal import reason_label

bp = Blueprint("national", __name__, url_prefix="/centre")


@bp.get("/")
@requires(Role.CENTRE_OPERATOR)
def view() -> str:
    """The national figures of the last hour and of today (JST)."""
    platform = current_platform()
    with platform.uow() as uow:
        figures = national_view(sql_unit_of_work(uow), platform.now())
    total = sum(figures.per_minute)
    peak = max(figures.per_minute)
    first = (figures.as_of - timedelta(minutes=59)).astimezone(JST).strftime("%H:%M")
    labels = (
        t("count_unit", n=peak or 1),
        t("count_unit", n=0),
        first,
        figures.as_of.astimezone(JST).strftime("%H:%M"),
    )
    chart = sparkline(
        figures.per_minute,
        t("national_chart_title"),
        t("national_chart_desc", total=f"{total:,}", peak=f"{peak:,}"),
        labels,
    )
    return render_template(
        "centre_national.html", v=figures, chart=chart, total=total, reason_label=reason_label
    )

"""Municipal staff's usage charts, counter-count upload and cost view (their municipality)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from billing.counter_counts import CounterCountError
from billing.counter_upload import upload_counter_counts_for
from billing.reports.municipal import (
    SchemeCost,
    fiscal_year_of,
    last_months,
    municipal_cost,
    municipal_usage,
)
from billing.tariffs import load_tariffs
from issuance.calendar import JST, era_of
from issuance.staff.model import Role
from issuance.staff.tenancy import municipality_for
from issuance.unit_of_work import SqlUnitOfWork, sql_unit_of_work
from municipalities.profiles import SqlMunicipalityProfiles
from portal.charts import bar_rows_chart
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import lang, message, t
from portal.usage_charts import usage_charts
from portal.views.municipal import kind_label, own_account

bp = Blueprint("money", __name__, url_prefix="/m/<code>")
MUNICIPAL = (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
EARLIEST_FY = 2010


def _usage_page(
    uow: SqlUnitOfWork, code: str, status: int = 200, **extra: object
) -> ResponseReturnValue:
    today = current_platform().now().astimezone(JST).date()
    usage = municipal_usage(uow, code, last_months(today))
    page = render_template(
        "usage.html",
        code=code,
        u=usage,
        charts=usage_charts(usage, lang(), kind_label),
        kind_label=kind_label,
        **extra,
    )
    return page, status


@bp.get("/usage/")
@requires(*MUNICIPAL)
def usage(code: str) -> ResponseReturnValue:
    """Charts of the last 12 months with their tables; the upload form for administrators."""
    with current_platform().uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        return _usage_page(sql_unit_of_work(uow), code)


@bp.post("/usage/counter-counts")
@requires(*MUNICIPAL)  # a viewer reads the page: 403 here
def upload(code: str) -> ResponseReturnValue:
    """Record an uploaded counter-count CSV: 302 to the charts; 422 with every problem (row,
    column, code) and nothing recorded; 404 for another municipality."""
    platform = current_platform()
    with platform.uow() as uow:
        account = own_account(uow, code)
        sql = sql_unit_of_work(uow)
        file = request.files.get("file")
        data = file.read() if file else b""  # at most the app's MAX_CONTENT_LENGTH (413)
        if not data:
            return _usage_page(
                sql, code, 422, error=t("counter_no_file"), error_code="FILE_MISSING"
            )
        try:
            name = (file.filename if file else "") or "upload.csv"
            changes = upload_counter_counts_for(sql, account, code, data, name, platform.now())
        except CounterCountError as error:
            sql.rollback()
            return _usage_page(
                sql, code, 422, error=message(error), error_code=error.code, problems=error.problems
            )
    flash(t("counter_recorded", n=len(changes)) if changes else t("counter_unchanged"))
    return redirect(url_for("money.usage", code=code))


@bp.get("/cost/")
@requires(*MUNICIPAL)
def cost(code: str) -> str:
    """The cost per certificate of a fiscal year (``?fy=2025``, April–March; default the
    current one) under today's fixed scheme and the alternatives."""
    platform = current_platform()
    current = fiscal_year_of(platform.now().astimezone(JST).date())
    fy = request.args.get("fy", type=int) or current
    fy = min(max(fy, EARLIEST_FY), current)
    with platform.uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        sql = sql_unit_of_work(uow)
        found = municipal_cost(sql, code, fy, SqlMunicipalityProfiles(), load_tariffs(sql))
    years = list(range(current, max(EARLIEST_FY, current - 5) - 1, -1))
    chart = bar_rows_chart(
        "chart-cost",
        t("cost_schemes"),
        t("cost_chart_desc", fy=fy_label(fy)),
        [(scheme_label(s), s.per_issue) for s in found.schemes],
        t("axis_per_issue"),
        t("no_issues_per_issue"),
    )
    return render_template(
        "cost.html",
        code=code,
        c=found,
        years=years,
        fy_label=fy_label,
        scheme_label=scheme_label,
        chart=chart,
    )


def fy_label(fy: int) -> str:
    """Fiscal year ``fy`` as 令和7年度（2025年4月〜2026年3月）, or FY2025 (April 2025 – March
    2026) in English."""
    era, year = era_of(date(fy, 4, 1))
    return t("fy_label", era=f"{era}{'元' if year == 1 else year}", year=fy, next=fy + 1)


def scheme_label(scheme: SchemeCost) -> str:
    """A scheme's name with its figures: rate in yen a certificate, base share, cap."""
    p = scheme.params
    if scheme.name == "metered":
        return t("scheme_metered", rate=f"{p['rate']:,.0f}")
    if scheme.name == "hybrid":
        return t("scheme_hybrid", share=f"{p['base_share'] * 100:.0f}", rate=f"{p['rate']:,.0f}")
    if scheme.name == "capped":
        return t("scheme_capped", cap=f"{p['cap']:,.0f}")
    return t("scheme_fixed")

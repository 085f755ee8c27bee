"""The centre's operators: tariffs (listed, a file loaded) and the monthly close from the page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from billing.closing import close, current_month, review
from billing.tariff_admin import load_tariffs_file, tariff_lists
from billing.tariff_file import PROBLEM_TEXT, TariffFileError
from billing.tariffs import DEFAULT_CONTRIBUTION, load_tariffs
from issuance.errors import KofuError
from issuance.staff.errors import StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.ports import StaffUnitOfWork
from issuance.unit_of_work import sql_unit_of_work
from municipalities.profiles import SqlMunicipalityProfiles
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import lang, message, t
from portal.months import month_html

bp = Blueprint("centre_money", __name__, url_prefix="/centre")
CENTRE = Role.CENTRE_OPERATOR


def _account(uow: StaffUnitOfWork) -> StaffAccount:
    account = uow.staff_accounts.get(current_user.id)
    assert account is not None  # the user loader found it this request
    return account


def _tariffs(status: int = 200, **extra: object) -> ResponseReturnValue:
    platform = current_platform()
    with platform.uow() as uow:
        lists = tariff_lists(sql_unit_of_work(uow), _account(uow), platform.now())
        return render_template(
            "centre_tariffs.html", lists=lists, classes=DEFAULT_CONTRIBUTION, **extra
        ), status


@bp.get("/tariffs/")
@requires(CENTRE)
def tariffs() -> ResponseReturnValue:
    """The tariffs in force today and those scheduled, and the file upload form."""
    return _tariffs()


@bp.post("/tariffs/")
@requires(CENTRE)
def load_tariffs_page() -> ResponseReturnValue:
    """Load a tariff file: 302 to the list when all of it is valid; 422 with the report
    (line, column, problem: never a value) and nothing written otherwise."""
    platform = current_platform()
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    try:
        with platform.uow() as uow:
            codes = frozenset(p.code for p in SqlMunicipalityProfiles().all(uow))
            added = load_tariffs_file(
                sql_unit_of_work(uow),
                _account(uow),
                data,
                (upload.filename or "") if upload is not None else "",
                platform.now(),
                codes,
            )
    except TariffFileError as error:
        english = lang() == "en"
        report = [
            (p.line, p.field, p.code, PROBLEM_TEXT[p.code][1 if english else 0])
            for p in error.details.get("report", [])  # type: ignore[attr-defined]
        ]
        return _tariffs(422, error=message(error), error_code=error.code, report=report)
    except StaffInputError as error:
        return _tariffs(422, error=message(error), error_code=error.code, report=[])
    flash(t("tariffs_loaded", count=added))
    return redirect(url_for("centre_money.tariffs"))


@bp.get("/close/")
@requires(CENTRE)
def close_page() -> ResponseReturnValue:
    """A month's close to review (``?month=YYYY-MM``, the previous month by default): its
    state and totals per municipality and per operator; 422 for a month not begun."""
    platform = current_platform()
    now = platform.now()
    month = request.args.get("month", "")[:7] or _previous(current_month(now))
    with platform.uow() as uow:
        try:
            shown = review(sql_unit_of_work(uow), _account(uow), month, now)
        except KofuError as error:
            return render_template(
                "centre_close.html",
                r=None,
                month=month,
                error=message(error),
                error_code=error.code,
            ), 422
        return render_template("centre_close.html", r=shown, month=month)


def _previous(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year - (mon == 1)}-{12 if mon == 1 else mon - 1:02d}"


@bp.post("/close/<month>/draft")
@requires(CENTRE)
def close_draft(month: str) -> ResponseReturnValue:
    """(Re)build the month's draft statements: 302 to the review (a refusal flashed)."""
    return _close(month, final=False)


@bp.route("/close/<month>/final", methods=["GET", "POST"])
@requires(CENTRE)
def close_final(month: str) -> ResponseReturnValue:
    """The confirmation page (GET: type the month), or make the month final (POST): 302 to
    the review; 422 on the page when the typed month differs."""
    platform = current_platform()
    if request.method == "GET":
        with platform.uow() as uow:
            try:
                shown = review(sql_unit_of_work(uow), _account(uow), month[:7], platform.now())
            except KofuError as error:
                flash(f"{message(error)}（{error.code}）")
                return redirect(url_for("centre_money.close_page"))
        return render_template("centre_close_final.html", r=shown)
    return _close(month, final=True)


def _close(month: str, final: bool) -> ResponseReturnValue:
    platform = current_platform()
    month = month[:7]
    with platform.uow() as uow:
        sql = sql_unit_of_work(uow)
        account = _account(uow)
        try:
            count = close(
                sql,
                account,
                month,
                SqlMunicipalityProfiles(),
                load_tariffs(sql),
                platform.now(),
                final=final,
                typed_month=request.form.get("typed_month", "")[:20],
                issuer=platform.settings.billing_issuer,
            )
        except KofuError as error:
            if final and error.code == "CLOSE_CONFIRM_MISMATCH":
                shown = review(sql, account, month, platform.now())
                return render_template(
                    "centre_close_final.html", r=shown, error=message(error), error_code=error.code
                ), 422
            flash(f"{message(error)}（{error.code}）")
            return redirect(url_for("centre_money.close_page", month=month))
    label = month_html(month, lang())
    flash(t("close_final_done" if final else "close_draft_done", month=label, count=count))
    return redirect(url_for("centre_money.close_page", month=month))

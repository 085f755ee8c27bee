"""Sign-in in two steps (password, then a TOTP code; the first sign-in enrols it), sign-out."""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from issuance.staff.errors import LoginFailedError, TotpFailedError
from issuance.staff.model import Role
from issuance.staff.services import (
    check_password,
    check_totp,
    close_session,
    new_totp_secret,
    open_session,
    totp_uri,
)
from portal.extension import current_hasher, current_platform
from portal.guard import ALL_ROLES, public, requires
from portal.i18n import message, t
from portal.users import PENDING, SESSION_ID, StaffUser

bp = Blueprint("auth", __name__)
ENROLLING = "enrolling_secret"
ENROLLING_LOGIN = "enrolling_login"


def home_of(user: StaffUser) -> str:
    """Where a role lands after signing in."""
    if user.role in (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER):
        return url_for("municipal.overview", code=user.municipality_code)
    if user.role is Role.CENTRE_OPERATOR:
        return url_for("national.view")
    return url_for("kiosks.listing")


@bp.get("/")
@requires(*ALL_ROLES)
def index() -> Response:
    """The signed-in account's home page (redirect)."""
    return redirect(home_of(current_user))


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    """Step one: login ID and password. 302 to the code step; 401 with the generic error;
    429 past the per-address limit."""
    if request.method == "GET":
        return render_template("login.html")
    throttle = current_app.extensions["kofu_portal_throttle"]
    if not throttle.allow(request.remote_addr or "unknown"):
        return render_template("login.html", error=t("too_many")), 429
    platform = current_platform()
    form_login = request.form.get("login", "")[:254]
    try:
        with platform.uow() as uow:
            account = check_password(
                uow, current_hasher(), form_login, request.form.get("password", ""), platform.now()
            )
            account_id, enrolled, login_id = (
                account.id,
                account.totp_secret is not None,
                account.login,
            )
    except LoginFailedError as error:
        return render_template("login.html", error=message(error), login=form_login), 401
    session.clear()  # nothing from before the password survives (session fixation)
    session[PENDING] = account_id
    if not enrolled:
        session[ENROLLING] = new_totp_secret()
        session[ENROLLING_LOGIN] = login_id
    return redirect(url_for("auth.totp"))


@bp.route("/login/totp", methods=["GET", "POST"])
@public
def totp() -> ResponseReturnValue:
    """Step two: the 6-digit code (enrolling a secret first if the account has none).
    302 home when right; 401 when wrong; back to step one when the account is locked."""
    account_id = session.get(PENDING)
    if not isinstance(account_id, int):
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        platform = current_platform()
        try:
            with platform.uow() as uow:
                account = check_totp(
                    uow,
                    account_id,
                    request.form.get("code", "")[:12],
                    platform.now(),
                    enrolling_secret=session.get(ENROLLING),
                )
                user = StaffUser.of(account)
        except LoginFailedError:
            session.clear()
            flash(t("signed_out"))
            return redirect(url_for("auth.login"))
        except TotpFailedError as error:
            return render_template("totp.html", error=message(error), **_enrolment()), 401
        with platform.uow() as uow:
            session_id = open_session(uow, user.id)
        session.clear()  # a new session for the signed-in account (fixation)
        session[SESSION_ID] = session_id
        login_user(user)
        return redirect(home_of(user))
    return render_template("totp.html", **_enrolment())


def _enrolment() -> dict[str, object]:
    secret = session.get(ENROLLING)
    if not secret:
        return {}
    uri = totp_uri(secret, session.get(ENROLLING_LOGIN, ""))
    qr = Markup(segno.make(uri, error="m").svg_inline(scale=4, title="TOTP"))  # noqa: S704
    return {"secret": secret, "uri": uri, "qr": qr}


@bp.post("/logout")
@requires(*ALL_ROLES, changes_nothing=True)
def logout() -> Response:
    """End the session here and for any copy of its cookie; 302 to the sign-in page."""
    with current_platform().uow() as uow:
        close_session(uow, current_user.id)  # the cookie, if copied, is worthless from now
    logout_user()
    session.clear()
    flash(t("signed_out"))
    return redirect(url_for("auth.login"))

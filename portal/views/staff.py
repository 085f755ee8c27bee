"""A municipality's staff: listed, invited (the single-use link shown once) and removed, by
its administrators and by the centre's operators; joining by invitation (public)."""

from __future__ import annotations

from typing import Any

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from issuance.staff.errors import StaffInputError, TotpFailedError
from issuance.staff.invitations import accept_invitation, invitation_digest, invited_account
from issuance.staff.model import Role, StaffAccount
from issuance.staff.ports import StaffUnitOfWork
from issuance.staff.services import new_totp_secret, totp_uri
from issuance.unit_of_work import sql_unit_of_work
from municipalities.staff_team import (
    MUNICIPALITY,
    OPERATOR,
    Tenant,
    invite,
    member_of,
    members_of,
    remove,
    staff_tenant,
)
from portal.extension import current_hasher, current_platform
from portal.guard import public, requires
from portal.i18n import message, t

bp = Blueprint("staff", __name__)
MANAGERS = (Role.MUNICIPAL_ADMIN, Role.CENTRE_OPERATOR)
JOINING = "joining_secrets"  # link digest -> the TOTP secret shown for it


def _account(uow: StaffUnitOfWork) -> StaffAccount:
    account = uow.staff_accounts.get(current_user.id)
    assert account is not None  # the user loader found it this request
    return account


def _urls(tenant: Tenant) -> dict[str, Any]:
    """The staff pages of ``tenant``: its list (and invitation form) and a member's removal."""
    args: dict[str, Any]
    if tenant.kind == OPERATOR:
        args, names = {"operator_id": tenant.id}, ("operator_listing", "operator_invite")
        removal = "staff.operator_remove"
    else:
        args, names = {"code": tenant.id}, ("listing", "invite_member")
        removal = "staff.remove_member"
    return {
        "listing": url_for(f"staff.{names[0]}", **args),
        "invite": url_for(f"staff.{names[1]}", **args),
        "remove": lambda account_id: url_for(removal, account_id=account_id, **args),
    }


def _listing(kind: str, tenant_id: str, status: int = 200, **extra: object) -> ResponseReturnValue:
    platform = current_platform()
    with platform.uow() as uow:
        sql = sql_unit_of_work(uow)
        account = _account(uow)
        tenant = staff_tenant(sql, account, kind, tenant_id)
        return render_template(
            "staff.html",
            tenant=tenant,
            urls=_urls(tenant),
            members=members_of(sql, tenant, platform.now()),
            roles=[r.value for r in tenant.roles],
            me=account.id,
            **extra,
        ), status


def _invite(kind: str, tenant_id: str) -> ResponseReturnValue:
    platform = current_platform()
    form = {k: request.form.get(k, "")[:300] for k in ("login", "display_name", "role")}
    try:
        with platform.uow() as uow:
            sql = sql_unit_of_work(uow)
            account = _account(uow)
            tenant = staff_tenant(sql, account, kind, tenant_id)
            invitation = invite(
                sql,
                current_hasher(),
                account,
                tenant,
                login=form["login"],
                display_name=form["display_name"],
                role=form["role"],
                now=platform.now(),
            )
            urls = _urls(tenant)
    except StaffInputError as error:
        return _listing(
            kind, tenant_id, 422, form=form, error=message(error), error_code=error.code
        )
    link = url_for("staff.join", token=invitation.token, _external=True)
    # The link is in this response only: never stored (only its digest), logged or shown again.
    return render_template("staff_invited.html", urls=urls, invitation=invitation, link=link)


def _remove(kind: str, tenant_id: str, account_id: int) -> ResponseReturnValue:
    platform = current_platform()
    with platform.uow() as uow:
        sql = sql_unit_of_work(uow)
        account = _account(uow)
        tenant = staff_tenant(sql, account, kind, tenant_id)
        urls = _urls(tenant)
        member = member_of(sql, tenant, account_id)
        if request.method == "GET" or request.form.get("confirm") != "yes":
            return render_template("staff_remove.html", urls=urls, member=member)
        try:
            remove(sql, account, tenant, member.id, platform.now())
        except StaffInputError as error:
            flash(f"{message(error)}（{error.code}）")
            return redirect(urls["listing"])
        flash(t("staff_removed", name=member.display_name))
    return redirect(urls["listing"])


@bp.get("/m/<code>/staff/")
@requires(*MANAGERS)
def listing(code: str) -> ResponseReturnValue:
    """The municipality's staff and the invitation form; 404 for another's or for viewers."""
    return _listing(MUNICIPALITY, code, form={})


@bp.post("/m/<code>/staff/")
@requires(*MANAGERS)
def invite_member(code: str) -> ResponseReturnValue:
    """Invite: 200 with the link shown once; 422 with a stable code; 404 for another's."""
    return _invite(MUNICIPALITY, code)


@bp.route("/m/<code>/staff/<int:account_id>/remove", methods=["GET", "POST"])
@requires(*MANAGERS)
def remove_member(code: str, account_id: int) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or remove: 302 to the
    list (a refusal flashed with its code). 404 for another's or unknown account."""
    return _remove(MUNICIPALITY, code, account_id)


@bp.get("/operators/<operator_id>/staff/")
@requires(Role.CENTRE_OPERATOR)
def operator_listing(operator_id: str) -> ResponseReturnValue:
    """A kiosk operator's staff and the invitation form, for centre operators."""
    return _listing(OPERATOR, operator_id, form={})


@bp.post("/operators/<operator_id>/staff/")
@requires(Role.CENTRE_OPERATOR)
def operator_invite(operator_id: str) -> ResponseReturnValue:
    """Invite a kiosk operator's staff member: as ``invite_member``."""
    return _invite(OPERATOR, operator_id)


@bp.route("/operators/<operator_id>/staff/<int:account_id>/remove", methods=["GET", "POST"])
@requires(Role.CENTRE_OPERATOR)
def operator_remove(operator_id: str, account_id: int) -> ResponseReturnValue:
    """Remove a kiosk operator's staff member: as ``remove_member``."""
    return _remove(OPERATOR, operator_id, account_id)


def _joining_secret(token: str) -> str:
    """The TOTP secret offered for this link in this browser (the same on every visit)."""
    secrets_shown: dict[str, str] = session.get(JOINING) or {}
    digest = invitation_digest(token)
    if digest not in secrets_shown:
        secrets_shown = {digest: new_totp_secret()}  # one link at a time per browser
        session[JOINING] = secrets_shown
    return secrets_shown[digest]


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def join(token: str) -> ResponseReturnValue:
    """Join by invitation: set a password, enrol TOTP. 302 to the sign-in page when done;
    422 for a bad password or code; 404 for an unknown, used or expired link."""
    platform = current_platform()
    with platform.uow() as uow:
        login = invited_account(uow, token, platform.now()).login
    secret = _joining_secret(token)
    uri = totp_uri(secret, login)
    qr = Markup(segno.make(uri, error="m").svg_inline(scale=4, title="TOTP"))  # noqa: S704
    page = {"token": token, "login": login, "secret": secret, "uri": uri, "qr": qr}
    if request.method == "GET":
        return render_template("join.html", **page)
    try:
        with platform.uow() as uow:
            accept_invitation(
                uow,
                current_hasher(),
                token,
                password=request.form.get("password", "")[:200],
                repeated=request.form.get("password2", "")[:200],
                totp_secret=secret,
                code=request.form.get("code", "")[:12],
                now=platform.now(),
            )
    except (StaffInputError, TotpFailedError) as error:
        return render_template(
            "join.html", error=message(error), error_code=error.code, **page
        ), 422
    session.pop(JOINING, None)
    flash(t("join_done"))
    return redirect(url_for("auth.login"))

"""Kiosks for centre and kiosk-operator staff: list, register (credential shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from issuance.staff.errors import StaffInputError
from issuance.staff.kiosks import (
    credential_version,
    kiosk_for,
    kiosks_for,
    last_seen_for,
    operators_for,
    register_kiosk_for,
    revoke_kiosk_for,
    rotate_kiosk_for,
)
from issuance.staff.model import Role, StaffAccount
from issuance.staff.ports import StaffUnitOfWork
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import message, t

bp = Blueprint("kiosks", __name__, url_prefix="/kiosks")
MANAGERS = (Role.CENTRE_OPERATOR, Role.KIOSK_OPERATOR)


def _account(uow: StaffUnitOfWork) -> StaffAccount:
    account = uow.staff_accounts.get(current_user.id)
    assert account is not None  # the user loader found it this request
    return account


@bp.get("/")
@requires(*MANAGERS)
def listing() -> str:
    """The kiosks the account may manage (all for centre operators), by id, with when each
    was last seen; ``?operator=ID`` shows one operator's (an unknown one shows none)."""
    chosen = request.args.get("operator", "")[:32] or None
    with current_platform().uow() as uow:
        account = _account(uow)
        operators = {op.id: op.name for op in operators_for(uow, account)}
        kiosks = kiosks_for(uow, account)
        if chosen is not None:
            kiosks = [k for k in kiosks if k.operator_id == chosen]
        return render_template(
            "kiosks.html",
            kiosks=kiosks,
            operators=operators,
            chosen=chosen,
            last_seen=last_seen_for(uow, account),
        )


@bp.route("/new", methods=["GET", "POST"])
@requires(*MANAGERS)
def register() -> ResponseReturnValue:
    """The form (GET), or register (POST): 200 with the credential shown once; 422 with a
    stable code for bad input; 404 for an operator not the account's."""
    platform = current_platform()
    with platform.uow() as uow:
        account = _account(uow)
        operators = operators_for(uow, account)
        if request.method == "GET":
            return render_template("kiosk_new.html", operators=operators, form={})
        form = {k: request.form.get(k, "")[:300] for k in ("kiosk_id", "operator_id", "location")}
        try:
            token = register_kiosk_for(
                uow,
                account,
                platform.settings.kiosk_key_pepper,
                kiosk_id=form["kiosk_id"].strip(),
                operator_id=form["operator_id"],
                location=form["location"],
                now=platform.now(),
            )
        except StaffInputError as error:
            return render_template(
                "kiosk_new.html",
                operators=operators,
                form=form,
                error=message(error),
                error_code=error.code,
            ), 422
    # The credential is in this response only: never stored, logged or shown again.
    return render_template("kiosk_created.html", kiosk_id=form["kiosk_id"].strip(), token=token)


@bp.route("/<kiosk_id>/revoke", methods=["GET", "POST"])
@requires(*MANAGERS)
def revoke(kiosk_id: str) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or revoke: 302 to the
    list. 404 for a kiosk not the account's."""
    platform = current_platform()
    with platform.uow() as uow:
        account = _account(uow)
        kiosk = kiosk_for(uow, account, kiosk_id)
        if request.method == "GET" or request.form.get("confirm") != "yes":
            return render_template("kiosk_revoke.html", kiosk=kiosk)
        try:
            revoke_kiosk_for(uow, account, kiosk.id, platform.now())
        except StaffInputError as error:
            flash(message(error))
            return redirect(url_for("kiosks.listing"))
        flash(t("revoke_done", id=kiosk.id))
    return redirect(url_for("kiosks.listing"))


@bp.route("/<kiosk_id>/rotate", methods=["GET", "POST"])
@requires(*MANAGERS)
def rotate(kiosk_id: str) -> ResponseReturnValue:
    """The confirmation page (GET, or POST without ``confirm=yes``), or rotate: 200 with the
    new credential shown once (the old one refused from now). 404 for a kiosk not the
    account's; a revoked kiosk's refusal flashed with its code."""
    platform = current_platform()
    with platform.uow() as uow:
        account = _account(uow)
        kiosk = kiosk_for(uow, account, kiosk_id)
        if request.method == "GET" or request.form.get("confirm") != "yes":
            return render_template(
                "kiosk_rotate.html", kiosk=kiosk, version=credential_version(kiosk)
            )
        try:
            token = rotate_kiosk_for(
                uow,
                account,
                platform.settings.kiosk_key_pepper,
                kiosk.id,
                platform.now(),
                seen=request.form.get("version", "")[:16],
            )
        except StaffInputError as error:
            flash(f"{message(error)}（{error.code}）")
            return redirect(url_for("kiosks.listing"))
        kiosk_id = kiosk.id
    # The credential is in this response only: never stored, logged or shown again.
    return render_template("kiosk_created.html", kiosk_id=kiosk_id, token=token, rotated=True)

"""The audit trail of a municipality's staff, for its administrators."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from issuance.staff.audit_trail import SHOWN, audit_trail_for
from issuance.staff.model import Role
from portal.extension import current_platform
from portal.formatting import audit_value
from portal.guard import requires
from portal.i18n import action_label, field_label, lang, target_label

bp = Blueprint("audit", __name__, url_prefix="/m/<code>/audit")


@bp.get("/")
@requires(Role.MUNICIPAL_ADMIN)
def listing(code: str) -> str:
    """The latest actions of the municipality's staff; 404 for another's or for viewers."""
    with current_platform().uow() as uow:
        sign_ins = request.args.get("logins") == "1"
        lines = audit_trail_for(uow, current_user.id, code, sign_ins=sign_ins)
        return render_template(
            "audit.html",
            code=code,
            lines=lines,
            sign_ins=sign_ins,
            shown=SHOWN,
            action_label=action_label,
            field_label=field_label,
            target_label=target_label,
            value=lambda field, v, action="": audit_value(field, v, lang(), action),
        )

"""Municipal staff's pages: their own municipality's figures, never another's."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from issuance.failure_labels import failure_label
from issuance.model import KIND_LABELS, CertificateKind
from issuance.staff.errors import NotVisibleError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.ports import StaffUnitOfWork
from issuance.staff.tenancy import municipality_for
from issuance.unit_of_work import sql_unit_of_work
from portal.extension import current_platform
from portal.guard import requires
from portal.i18n import lang
from portal.overview import municipal_overview

bp = Blueprint("municipal", __name__, url_prefix="/m")


def kind_label(kind: str) -> str:
    """A certificate kind's name in this request's language (the code if unknown)."""
    try:
        ja, en = KIND_LABELS[CertificateKind(kind)]
    except ValueError:
        return kind
    return en if lang() == "en" else ja


def reason_label(code: str) -> str:
    """A failure code's short label in this request's language (the code if unknown)."""
    return failure_label(code, english=lang() == "en")


def own_account(uow: StaffUnitOfWork, code: str) -> StaffAccount:
    """The signed-in account, when it is staff of municipality ``code``; NotVisibleError else."""
    municipality_for(uow.staff_accounts, current_user.id, code)
    account = uow.staff_accounts.get(current_user.id)
    assert account is not None  # municipality_for found it
    return account


@bp.get("/<code>/")
@requires(Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
def overview(code: str) -> str:
    """The municipality's figures; 404 for any code but the account's own."""
    platform = current_platform()
    with platform.uow() as uow:
        code = municipality_for(uow.staff_accounts, current_user.id, code)
        figures = municipal_overview(sql_unit_of_work(uow), code, platform.now())
        if figures is None:
            raise NotVisibleError()
        return render_template(
            "overview.html", o=figures, kind_label=kind_label, reason_label=reason_label
        )

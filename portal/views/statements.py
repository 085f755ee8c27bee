"""Monthly statements for municipal staff (their municipality's) and kiosk operators (their
commission): the list, one month's page, and its CSV (for Excel) or PDF download."""

from __future__ import annotations

import re

from flask import Blueprint, Response, render_template
from flask_login import current_user

from billing.model import PartyKind
from billing.party_statements import (
    PartyStatement,
    party_statement,
    statement_file,
    statement_months,
)
from issuance.staff.errors import NotVisibleError
from issuance.staff.model import Role
from issuance.staff.tenancy import municipality_for
from issuance.unit_of_work import sql_unit_of_work
from portal.extension import current_platform
from portal.guard import requires
from portal.views.municipal import kind_label

bp = Blueprint("statements", __name__)
MUNICIPAL = (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _party(party_kind: PartyKind, party_id: str) -> str:
    """``party_id`` when the signed-in account may read that party's statements; else
    NotVisibleError (404): municipal staff their municipality, operator staff their operator."""
    if party_kind is PartyKind.MUNICIPALITY:
        with current_platform().uow() as uow:
            return municipality_for(uow.staff_accounts, current_user.id, party_id)
    if current_user.role is not Role.KIOSK_OPERATOR or current_user.kiosk_operator_id != party_id:
        raise NotVisibleError()
    return party_id


def _found(party_kind: PartyKind, party_id: str, month: str) -> PartyStatement:
    party_id = _party(party_kind, party_id)
    if not _MONTH.match(month):
        raise NotVisibleError()
    with current_platform().uow() as uow:
        found = party_statement(sql_unit_of_work(uow), month, party_kind, party_id)
        if found is None:
            raise NotVisibleError()
        uow.session.expunge_all()  # shown after the transaction: nothing lazy is left
    return found


def _listing(party_kind: PartyKind, party_id: str) -> str:
    party_id = _party(party_kind, party_id)
    with current_platform().uow() as uow:
        found = statement_months(sql_unit_of_work(uow), party_kind, party_id)
        return render_template(
            "statements.html", statements=found, party_kind=party_kind.value, party_id=party_id
        )


def _page(party_kind: PartyKind, party_id: str, month: str) -> str:
    found = _found(party_kind, party_id, month)
    return render_template(
        "statement.html",
        s=found.statement,
        found=found,
        kind_label=kind_label,
        party_kind=party_kind.value,
        party_id=party_id,
    )


def _download(party_kind: PartyKind, party_id: str, month: str, fmt: str) -> Response:
    """The statement as the accounting department files it: the PDF, or the CSV (one row per
    line, Japanese headers, UTF-8 with a BOM for Excel)."""
    party_id = _party(party_kind, party_id)
    if fmt not in ("csv", "pdf") or not _MONTH.match(month):
        raise NotVisibleError()
    platform = current_platform()
    with platform.uow() as uow:
        data = statement_file(
            sql_unit_of_work(uow),
            month,
            party_kind,
            party_id,
            fmt,
            platform.settings.billing_issuer,
        )
    if data is None:
        raise NotVisibleError()
    return Response(
        data,
        mimetype="application/pdf" if fmt == "pdf" else "text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="statement-{party_id}-{month}.{fmt}"'
        },
    )


@bp.get("/m/<code>/statements/")
@requires(*MUNICIPAL)
def municipal_listing(code: str) -> str:
    """The municipality's statements, latest month first; 404 for another municipality."""
    return _listing(PartyKind.MUNICIPALITY, code)


@bp.get("/m/<code>/statements/<month>/")
@requires(*MUNICIPAL)
def municipal_statement(code: str, month: str) -> str:
    """One month's statement (draft or final marked); 404 for another's or none."""
    return _page(PartyKind.MUNICIPALITY, code, month)


@bp.get("/m/<code>/statements/<month>/statement.<fmt>")
@requires(*MUNICIPAL)
def municipal_download(code: str, month: str, fmt: str) -> Response:
    """The statement as CSV (UTF-8 with BOM, for Excel) or PDF; 404 as for the page."""
    return _download(PartyKind.MUNICIPALITY, code, month, fmt)


@bp.get("/o/<operator_id>/statements/")
@requires(Role.KIOSK_OPERATOR)
def operator_listing(operator_id: str) -> str:
    """The operator's commission statements; 404 for another operator."""
    return _listing(PartyKind.OPERATOR, operator_id)


@bp.get("/o/<operator_id>/statements/<month>/")
@requires(Role.KIOSK_OPERATOR)
def operator_statement(operator_id: str, month: str) -> str:
    """One month's commission statement; 404 for another operator's or none."""
    return _page(PartyKind.OPERATOR, operator_id, month)


@bp.get("/o/<operator_id>/statements/<month>/statement.<fmt>")
@requires(Role.KIOSK_OPERATOR)
def operator_download(operator_id: str, month: str, fmt: str) -> Response:
    """The commission statement as CSV (for Excel) or PDF; 404 as for the page."""
    return _download(PartyKind.OPERATOR, operator_id, month, fmt)

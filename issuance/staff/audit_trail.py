"""A municipality's audit trail as its administrators read it: who, when, what, old → new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from issuance.staff.errors import NotVisibleError
from issuance.staff.model import Role
from issuance.staff.ports import StaffUnitOfWork
from issuance.staff.tenancy import municipality_for

SHOWN = 200


@dataclass(frozen=True)
class Change:
    field: str
    old: object  # None: not set before (or gone after)
    new: object
    how: str = "changed"  # "set" (a creation), "changed", "removed" (a removal)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    who: str  # the staff member's display name
    action: str  # a stable action code: maintenance_announce, login_success…
    target_kind: str  # "offering", "maintenance_window", "kiosk", "account", "login"…
    target_id: str  # e.g. "131016/juminhyo", "12", "K0001"
    changes: list[Change]


def _changes(old: dict[str, object] | None, new: dict[str, object] | None) -> list[Change]:
    """Every field of a creation or removal; of a change, only the fields that differ."""
    before, after = old or {}, new or {}
    fields = list(dict.fromkeys([*before, *after]))
    both = old is not None and new is not None
    how = "changed" if both else ("set" if old is None else "removed")
    return [
        Change(f, before.get(f), after.get(f), how)
        for f in fields
        if not (both and before.get(f) == after.get(f))
    ]


def audit_trail_for(
    uow: StaffUnitOfWork, account_id: int, code: str, limit: int = SHOWN, sign_ins: bool = True
) -> list[AuditLine]:
    """The latest ``limit`` actions of municipality ``code``'s staff, newest first.

    Only an administrator of ``code`` may read it: NotVisibleError otherwise. Audit entries
    hold staff actions only (never a resident), so nothing here names one.
    """
    municipality_for(uow.staff_accounts, account_id, code)
    account = uow.staff_accounts.get(account_id)
    if account is None or account.role is not Role.MUNICIPAL_ADMIN:
        raise NotVisibleError()
    return [
        AuditLine(e.at, who, e.action, e.target_kind, e.target_id, _changes(e.old, e.new))
        for e, who in uow.staff_audit.of_municipality(code, limit, sign_ins)
    ]

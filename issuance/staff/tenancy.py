"""Which municipality's figures a staff account may read: its own, and no other."""

from __future__ import annotations

from issuance.staff.errors import NotVisibleError
from issuance.staff.model import MUNICIPAL_ROLES, StaffAccount
from issuance.staff.ports import StaffAccounts


def municipality_for(accounts: StaffAccounts, account_id: int, code: str) -> str:
    """``code`` when the account is municipal staff of that municipality.

    Raises NotVisibleError otherwise (another municipality, a non-municipal role, an
    account removed since): the portal answers 404, as for a code that does not exist.
    """
    account: StaffAccount | None = accounts.get(account_id)
    if (
        account is None
        or not account.active
        or account.role not in MUNICIPAL_ROLES
        or account.municipality_code != code
    ):
        raise NotVisibleError()
    return code

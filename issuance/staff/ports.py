"""What the staff use cases need: accounts, the audit trail and kiosks, in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from issuance.ports import UnitOfWork
from issuance.staff.model import AuditEntry, StaffAccount


class StaffAccounts(Protocol):
    def get(self, account_id: int) -> StaffAccount | None: ...
    def by_login(self, login: str) -> StaffAccount | None: ...
    def by_invitation(self, digest: str) -> StaffAccount | None: ...
    def add(self, account: StaffAccount) -> None: ...


class StaffAudit(Protocol):
    def add(self, entry: AuditEntry) -> None: ...

    def recent(self, account_id: int | None, since: datetime) -> list[AuditEntry]:
        """Entries at or after ``since`` (of one account, or all when None), newest first."""
        ...

    def of_municipality(
        self, code: str, limit: int, sign_ins: bool = True
    ) -> list[tuple[AuditEntry, str]]:
        """The latest ``limit`` entries by staff of municipality ``code``, newest first, each
        with its account's display name; without sign-in steps when ``sign_ins`` is False."""
        ...


class StaffUnitOfWork(UnitOfWork, Protocol):
    """The issuance unit of work (kiosks, their sessions) plus the staff repositories."""

    staff_accounts: StaffAccounts
    staff_audit: StaffAudit

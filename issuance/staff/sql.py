"""SQLAlchemy repositories for staff accounts and the portal's audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuance.staff.model import AuditEntry, StaffAccount

# The steps of signing in: many a day, so the trail hides them unless asked.
SIGN_IN_ACTIONS = (
    "login_failed",
    "login_password_ok",
    "login_success",
    "login_refused_locked",
    "account_locked",
)


class SqlStaffAccounts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, account_id: int) -> StaffAccount | None:
        return self.session.get(StaffAccount, account_id)

    def by_login(self, login: str) -> StaffAccount | None:
        return self.session.scalars(
            select(StaffAccount).where(StaffAccount.login == login)
        ).one_or_none()

    def by_invitation(self, digest: str) -> StaffAccount | None:
        return self.session.scalars(
            select(StaffAccount).where(StaffAccount.invitation_digest == digest)
        ).one_or_none()

    def add(self, account: StaffAccount) -> None:
        self.session.add(account)
        self.session.flush()  # the id, for the audit entry written in the same transaction


class SqlStaffAudit:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def recent(self, account_id: int | None, since: datetime) -> list[AuditEntry]:
        query = select(AuditEntry).where(AuditEntry.at >= since)
        if account_id is not None:
            query = query.where(AuditEntry.account_id == account_id)
        return list(self.session.scalars(query.order_by(AuditEntry.id.desc())))

    def of_municipality(
        self, code: str, limit: int, sign_ins: bool = True
    ) -> list[tuple[AuditEntry, str]]:
        query = (
            select(AuditEntry, StaffAccount.display_name)
            .join(StaffAccount, AuditEntry.account_id == StaffAccount.id)
            .where(StaffAccount.municipality_code == code)
        )
        if not sign_ins:
            query = query.where(AuditEntry.action.not_in(SIGN_IN_ACTIONS))
        rows = self.session.execute(query.order_by(AuditEntry.id.desc()).limit(limit))
        return [(entry, name) for entry, name in rows]

"""The signed-in staff member as Flask-Login sees it, loaded fresh from the database."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, session
from flask_login import LoginManager, UserMixin

from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import session_matches
from portal.extension import current_platform

SESSION_ID = "sid"  # the signed-in session's id (its digest is on the account)
PENDING = "pending_account"  # password checked, TOTP code not yet


@dataclass(frozen=True)
class StaffUser(UserMixin):  # type: ignore[misc]
    id: int
    login: str
    display_name: str
    role: Role
    municipality_code: str | None
    kiosk_operator_id: str | None

    @classmethod
    def of(cls, account: StaffAccount) -> StaffUser:
        return cls(
            account.id,
            account.login,
            account.display_name,
            account.role,
            account.municipality_code,
            account.kiosk_operator_id,
        )

    def get_id(self) -> str:
        return str(self.id)


def load_user(user_id: str) -> StaffUser | None:
    """The account behind a session, unless removed or locked since it signed in."""
    if not user_id.isdigit():
        return None
    platform = current_platform()
    with platform.uow() as uow:
        account = uow.staff_accounts.get(int(user_id))
        if account is None or not account.active or account.locked(platform.now()):
            return None
        if not session_matches(account, session.get(SESSION_ID)):
            return None  # signed out, or signed in again elsewhere since
        return StaffUser.of(account)


def init_app(app: Flask) -> LoginManager:
    """Flask-Login with strong session protection and ``load_user``."""
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.login_view = "auth.login"
    manager.user_loader(load_user)
    manager.init_app(app)
    return manager

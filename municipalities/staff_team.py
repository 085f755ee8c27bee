"""A municipality's staff as its administrators and the centre's operators keep it: listed,
invited with a single-use link (valid 72 hours), removed.

An administrator manages their own municipality's staff, a centre operator any
municipality's. Nobody removes themselves, nor a municipality's last administrator (someone
must be left to invite the next). A removed account's session ends on its next request: the
portal loads the account on every request and refuses a removed one. Every change audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select

from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.invitations import new_invitation_token
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit, normalise_login
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.model import Municipality

INVITATION_VALID = timedelta(hours=72)
INVITABLE = (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
NAME_LENGTH = 100


@dataclass(frozen=True)
class Member:
    id: int
    login: str
    display_name: str
    role: Role
    state: str  # "active", "invited" or "invitation_expired"
    since: datetime  # created (invited) at
    invitation_expires_at: datetime | None


@dataclass(frozen=True)
class Invitation:
    account_id: int
    login: str
    token: str  # shown once, in the page that answers the invitation; never stored
    expires_at: datetime


def staff_tenant(uow: SqlUnitOfWork, account: StaffAccount, code: str) -> Municipality:
    """Municipality ``code`` when ``account`` may manage its staff; NotVisibleError otherwise
    (another's, a viewer or kiosk operator, an unknown code: the portal answers 404)."""
    allowed = account.role is Role.CENTRE_OPERATOR or (
        account.role is Role.MUNICIPAL_ADMIN and account.municipality_code == code
    )
    municipality = uow.session.get(Municipality, code[:6]) if allowed else None
    if municipality is None:
        raise NotVisibleError()
    return municipality


def members_of(uow: SqlUnitOfWork, account: StaffAccount, code: str, now: datetime) -> list[Member]:
    """Municipality ``code``'s staff not removed: administrators first, then by login."""
    staff_tenant(uow, account, code)
    rows = uow.session.scalars(
        select(StaffAccount)
        .where(StaffAccount.municipality_code == code, StaffAccount.removed_at.is_(None))
        .order_by(StaffAccount.role, StaffAccount.login)
    )
    return [
        Member(
            a.id,
            a.login,
            a.display_name,
            a.role,
            _state(a, now),
            a.created_at,
            a.invitation_expires_at,
        )
        for a in rows
    ]


def _state(account: StaffAccount, now: datetime) -> str:
    if account.invitation_expires_at is None:
        return "active"
    return "invited" if now < account.invitation_expires_at else "invitation_expired"


def member_of(uow: SqlUnitOfWork, account: StaffAccount, code: str, member_id: int) -> StaffAccount:
    """One not-removed staff member of ``code``; NotVisibleError otherwise."""
    staff_tenant(uow, account, code)
    member = uow.staff_accounts.get(member_id)
    if member is None or member.municipality_code != code or not member.active:
        raise NotVisibleError()
    return member


def invite(
    uow: SqlUnitOfWork,
    hasher: PasswordHasher,
    account: StaffAccount,
    code: str,
    *,
    login: str,
    display_name: str,
    role: str,
    now: datetime,
) -> Invitation:
    """Invite someone to municipality ``code`` as ``role`` (administrator or viewer).

    The whole input is checked first; then one commit adds the invited account (no password
    of its own: it cannot sign in) and its audit entry. Raises NotVisibleError, or
    StaffInputError ROLE_INVALID, LOGIN_INVALID, NAME_INVALID, LOGIN_TAKEN (a second post of
    the same form invites nobody twice).
    """
    staff_tenant(uow, account, code)
    if role not in {r.value for r in INVITABLE}:
        raise StaffInputError(
            "ROLE_INVALID",
            "役割は「自治体管理者」か「自治体閲覧者」から選んでください。",
            "Choose administrator or viewer.",
        )
    cleaned = normalise_login(login)
    name = " ".join(display_name.split())
    if not 1 <= len(name) <= NAME_LENGTH:
        raise StaffInputError(
            "NAME_INVALID",
            f"氏名を{NAME_LENGTH}文字以内で入力してください。",
            f"Enter the name in at most {NAME_LENGTH} characters.",
        )
    if uow.staff_accounts.by_login(cleaned) is not None:
        raise StaffInputError(
            "LOGIN_TAKEN", "このログインIDは使われています。", "This login ID is already in use."
        )
    token, digest = new_invitation_token()
    expires = now + INVITATION_VALID
    invited = StaffAccount(
        login=cleaned,
        display_name=name,
        password_hash=hasher.hash(secrets.token_urlsafe(32)),  # nobody knows it
        role=Role(role),
        municipality_code=code,
        failed_logins=0,
        created_at=now,
        invitation_digest=digest,
        invitation_expires_at=expires,
    )
    uow.staff_accounts.add(invited)
    new = {"login": cleaned, "display_name": name, "role": role, "tenant": code}
    audit(uow, account.id, "staff_invite", ("account", str(invited.id)), now, new=new)
    uow.commit()
    return Invitation(invited.id, cleaned, token, expires)


def remove(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, member_id: int, now: datetime
) -> StaffAccount:
    """Remove a staff member of ``code`` (an invited one: the invitation is withdrawn).

    One commit with its audit entry; the member's session ends on its next request. Raises
    NotVisibleError (unknown, removed already, another's), StaffInputError STAFF_REMOVE_SELF
    or STAFF_LAST_ADMIN.
    """
    member = member_of(uow, account, code, member_id)
    if member.id == account.id:
        raise StaffInputError(
            "STAFF_REMOVE_SELF",
            "自分自身のアカウントは削除できません。",
            "You cannot remove your own account.",
        )
    if member.role is Role.MUNICIPAL_ADMIN and not member.invited:
        others = uow.session.scalar(
            select(StaffAccount.id).where(
                StaffAccount.municipality_code == code,
                StaffAccount.role == Role.MUNICIPAL_ADMIN,
                StaffAccount.removed_at.is_(None),
                StaffAccount.invitation_expires_at.is_(None),
                StaffAccount.id != member.id,
            )
        )
        if others is None:
            raise StaffInputError(
                "STAFF_LAST_ADMIN",
                "最後の管理者は削除できません。先に別の管理者を招待してください。",
                "The last administrator cannot be removed; invite another one first.",
            )
    old = {"login": member.login, "role": member.role.value, "removed_at": None}
    member.removed_at = now
    member.session_digest = None
    member.invitation_digest = None
    member.invitation_expires_at = None
    new = {"login": member.login, "role": member.role.value, "removed_at": now.isoformat()}
    audit(uow, account.id, "staff_remove", ("account", str(member.id)), now, old=old, new=new)
    uow.commit()
    return member

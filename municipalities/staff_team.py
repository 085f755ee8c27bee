"""A tenant's staff as its administrators and the centre's operators keep it: listed,
invited with a single-use link (valid 72 hours), removed.

Tenants are municipalities (administrators and viewers) and kiosk operators (their staff).
An administrator manages their own municipality's staff, a centre operator any tenant's.
Nobody removes themselves, nor a municipality's last administrator (someone must be left to
invite the next). A removed account's session ends on its next request: the portal loads the
account on every request and refuses a removed one. Every change audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select

from issuance.sessions.kiosks import KioskOperator
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.invitations import new_invitation_token
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit, normalise_login
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.model import Municipality

INVITATION_VALID = timedelta(hours=72)
INVITABLE = (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER)
NAME_LENGTH = 100
MUNICIPALITY, OPERATOR = "municipality", "operator"


@dataclass(frozen=True)
class Tenant:
    kind: str  # MUNICIPALITY or OPERATOR
    id: str  # 団体コード or operator id
    name: str
    roles: tuple[Role, ...]  # the roles its staff may be invited as


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


def staff_tenant(uow: SqlUnitOfWork, account: StaffAccount, kind: str, tenant_id: str) -> Tenant:
    """The tenant whose staff ``account`` may manage: a municipality for its administrators
    and centre operators, a kiosk operator for centre operators. NotVisibleError otherwise
    (another's, a viewer, an unknown id: the portal answers 404)."""
    centre = account.role is Role.CENTRE_OPERATOR
    if kind == MUNICIPALITY:
        own = account.role is Role.MUNICIPAL_ADMIN and account.municipality_code == tenant_id
        found = uow.session.get(Municipality, tenant_id[:6]) if centre or own else None
        if found is not None:
            return Tenant(MUNICIPALITY, found.code, found.name, INVITABLE)
    if kind == OPERATOR and centre:
        operator = uow.session.get(KioskOperator, tenant_id[:32])
        if operator is not None:
            return Tenant(OPERATOR, operator.id, operator.name, (Role.KIOSK_OPERATOR,))
    raise NotVisibleError()


def _of(tenant: Tenant) -> Any:
    """The account column naming this tenant."""
    if tenant.kind == MUNICIPALITY:
        return StaffAccount.municipality_code == tenant.id
    return StaffAccount.kiosk_operator_id == tenant.id


def _belongs(member: StaffAccount, tenant: Tenant) -> bool:
    if tenant.kind == MUNICIPALITY:
        return member.municipality_code == tenant.id
    return member.kiosk_operator_id == tenant.id


def members_of(uow: SqlUnitOfWork, tenant: Tenant, now: datetime) -> list[Member]:
    """The tenant's staff not removed: by role (administrators first), then by login."""
    rows = uow.session.scalars(
        select(StaffAccount)
        .where(_of(tenant), StaffAccount.removed_at.is_(None))
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


def member_of(uow: SqlUnitOfWork, tenant: Tenant, member_id: int) -> StaffAccount:
    """One not-removed staff member of ``tenant``; NotVisibleError otherwise."""
    member = uow.staff_accounts.get(member_id)
    if member is None or not _belongs(member, tenant) or not member.active:
        raise NotVisibleError()
    return member


def invite(
    uow: SqlUnitOfWork,
    hasher: PasswordHasher,
    account: StaffAccount,
    tenant: Tenant,
    *,
    login: str,
    display_name: str,
    role: str,
    now: datetime,
) -> Invitation:
    """Invite someone to ``tenant`` as ``role`` (one of ``tenant.roles``).

    The whole input is checked first; then one commit adds the invited account (no password
    of its own: it cannot sign in) and its audit entry. Raises NotVisibleError, or
    StaffInputError ROLE_INVALID, LOGIN_INVALID, NAME_INVALID, LOGIN_TAKEN (a second post of
    the same form invites nobody twice).
    """
    if role not in {r.value for r in tenant.roles}:
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
        municipality_code=tenant.id if tenant.kind == MUNICIPALITY else None,
        kiosk_operator_id=tenant.id if tenant.kind == OPERATOR else None,
        failed_logins=0,
        created_at=now,
        invitation_digest=digest,
        invitation_expires_at=expires,
    )
    uow.staff_accounts.add(invited)
    new = {"login": cleaned, "display_name": name, "role": role, "tenant": tenant.id}
    audit(uow, account.id, "staff_invite", ("account", str(invited.id)), now, new=new)
    uow.commit()
    return Invitation(invited.id, cleaned, token, expires)


def remove(
    uow: SqlUnitOfWork, account: StaffAccount, tenant: Tenant, member_id: int, now: datetime
) -> StaffAccount:
    """Remove a staff member of ``tenant`` (an invited one: the invitation is withdrawn).

    One commit with its audit entry; the member's session ends on its next request. Raises
    NotVisibleError (unknown, removed already, another's), StaffInputError STAFF_REMOVE_SELF
    or STAFF_LAST_ADMIN.
    """
    member = member_of(uow, tenant, member_id)
    if member.id == account.id:
        raise StaffInputError(
            "STAFF_REMOVE_SELF",
            "自分自身のアカウントは削除できません。",
            "You cannot remove your own account.",
        )
    if member.role is Role.MUNICIPAL_ADMIN and not member.invited:
        others = uow.session.scalar(
            select(StaffAccount.id).where(
                _of(tenant),
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

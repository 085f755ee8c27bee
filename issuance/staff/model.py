"""Staff accounts of the portal, with the tenant each role belongs to, and audit entries."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from issuance.db import Base, UtcDateTime, str_enum
from issuance.errors import KofuError


class Role(enum.StrEnum):
    MUNICIPAL_ADMIN = "municipal_admin"  # 自治体管理者
    MUNICIPAL_VIEWER = "municipal_viewer"  # 自治体閲覧者
    CENTRE_OPERATOR = "centre_operator"  # センター運用者
    KIOSK_OPERATOR = "kiosk_operator"  # 事業者 (コンビニ等) 担当者


MUNICIPAL_ROLES = frozenset({Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_VIEWER})

# The tenant columns each role must (and must not) have: enforced by the database too.
TENANT_RULE = (
    "(role IN ('municipal_admin', 'municipal_viewer') AND municipality_code IS NOT NULL"
    " AND kiosk_operator_id IS NULL)"
    " OR (role = 'kiosk_operator' AND kiosk_operator_id IS NOT NULL"
    " AND municipality_code IS NULL)"
    " OR (role = 'centre_operator' AND municipality_code IS NULL AND kiosk_operator_id IS NULL)"
)


class TenantMismatchError(KofuError):
    code = "STAFF_TENANT_MISMATCH"
    message_ja = (
        "役割と所属が一致しません（自治体の役割には団体コード、事業者には事業者IDが必要です）。"
    )
    message_en = (
        "The role and its tenant do not match (municipal roles need a municipality code, "
        "kiosk operators an operator id, centre operators neither)."
    )


def check_tenant(role: Role, municipality_code: str | None, kiosk_operator_id: str | None) -> None:
    """Raise ``TenantMismatchError`` unless the tenant columns fit ``role`` (``TENANT_RULE``)."""
    if role in MUNICIPAL_ROLES:
        fits = municipality_code is not None and kiosk_operator_id is None
    elif role is Role.KIOSK_OPERATOR:
        fits = kiosk_operator_id is not None and municipality_code is None
    else:
        fits = municipality_code is None and kiosk_operator_id is None
    if not fits:
        raise TenantMismatchError()


class StaffAccount(Base):
    """One person's portal login; never deleted (``removed_at``), so audit rows keep a name."""

    __tablename__ = "portal_staff_account"
    __table_args__ = (CheckConstraint(TENANT_RULE, name="tenant_matches_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(254), unique=True)  # lowercased
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # base32; None until enrolled
    totp_last_step: Mapped[int | None]  # the 30 s step of the last code accepted: no replay
    # SHA-256 of the one signed-in session's id: signing in elsewhere or out ends the old one.
    session_digest: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role, 24))
    municipality_code: Mapped[str | None] = mapped_column(String(6), index=True)
    kiosk_operator_id: Mapped[str | None] = mapped_column(
        ForeignKey("issuance_kiosk_operator.id"), index=True
    )
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Invited, not yet joined: SHA-256 of the single-use invitation link's token, and its end.
    invitation_digest: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    invitation_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def invited(self) -> bool:
        """Invited and not yet joined (no password of its own yet): cannot sign in."""
        return self.invitation_expires_at is not None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    @property
    def active(self) -> bool:
        return self.removed_at is None


class AuditEntry(Base):
    """Who did what to which object, before and after: staff actions only, no resident data."""

    __tablename__ = "portal_audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("portal_staff_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    target_kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(254))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)

"""Kiosks as staff see them: listed, registered and revoked within the account's tenant only."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from issuance.sessions.credentials import register_kiosk, revoke_kiosk
from issuance.sessions.kiosks import Kiosk, KioskOperator
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.ports import StaffUnitOfWork
from issuance.staff.services import audit

_KIOSK_ID = re.compile(r"^[A-Za-z0-9-]{1,32}$")


def may_manage(account: StaffAccount, operator_id: str) -> bool:
    """Centre operators manage every operator's kiosks, a kiosk operator only its own."""
    if account.role is Role.CENTRE_OPERATOR:
        return True
    return account.role is Role.KIOSK_OPERATOR and account.kiosk_operator_id == operator_id


def operators_for(uow: StaffUnitOfWork, account: StaffAccount) -> list[KioskOperator]:
    """The operators ``account`` may manage kiosks of (empty for municipal staff)."""
    return [op for op in uow.kiosks.operators() if may_manage(account, op.id)]


def kiosks_for(uow: StaffUnitOfWork, account: StaffAccount) -> list[Kiosk]:
    """Every kiosk ``account`` may see, by id; NotVisibleError for other roles."""
    if account.role is Role.CENTRE_OPERATOR:
        return uow.kiosks.listed()
    if account.role is Role.KIOSK_OPERATOR and account.kiosk_operator_id:
        return uow.kiosks.listed(account.kiosk_operator_id)
    raise NotVisibleError()


def kiosk_for(uow: StaffUnitOfWork, account: StaffAccount, kiosk_id: str) -> Kiosk:
    """One kiosk of the account's tenant; NotVisibleError when unknown or another's."""
    kiosk = uow.kiosks.get(kiosk_id[:32])
    if kiosk is None or not may_manage(account, kiosk.operator_id):
        raise NotVisibleError()
    return kiosk


def register_kiosk_for(
    uow: StaffUnitOfWork,
    account: StaffAccount,
    pepper: str,
    *,
    kiosk_id: str,
    operator_id: str,
    location: str,
    now: datetime,
) -> str:
    """Register a new kiosk; returns its bearer token ``KIOSK_ID.SECRET`` (to show once).

    Raises NotVisibleError (operator not the account's), StaffInputError KIOSK_ID_INVALID,
    LOCATION_INVALID or KIOSK_ID_TAKEN (existing kiosks are never re-keyed from here).
    """
    if operator_id not in {op.id for op in operators_for(uow, account)}:
        raise NotVisibleError()
    if not _KIOSK_ID.match(kiosk_id):
        raise StaffInputError(
            "KIOSK_ID_INVALID",
            "端末IDは半角英数字とハイフン（32文字以内）で入力してください。",
            "The kiosk ID must be 1-32 letters, digits or hyphens.",
        )
    location = location.strip()
    if not 1 <= len(location) <= 200:
        raise StaffInputError(
            "LOCATION_INVALID",
            "設置場所を200文字以内で入力してください。",
            "Enter the location in at most 200 characters.",
        )
    if uow.kiosks.get(kiosk_id) is not None:
        raise StaffInputError(
            "KIOSK_ID_TAKEN", "この端末IDは登録済みです。", "This kiosk ID is already registered."
        )
    new = {"operator_id": operator_id, "location": location}
    audit(uow, account.id, "kiosk_register", ("kiosk", kiosk_id), now, new=new)
    return register_kiosk(uow, pepper, kiosk_id, operator_id, location)  # commits both


def revoke_kiosk_for(
    uow: StaffUnitOfWork, account: StaffAccount, kiosk_id: str, now: datetime
) -> Kiosk:
    """Revoke a kiosk's credential and end its sessions (one commit, audited).

    Raises NotVisibleError (unknown or another's), StaffInputError KIOSK_ALREADY_REVOKED.
    """
    kiosk = kiosk_for(uow, account, kiosk_id)
    if not kiosk.active:
        raise StaffInputError(
            "KIOSK_ALREADY_REVOKED", "この端末は失効済みです。", "This kiosk is already revoked."
        )
    audit(
        uow,
        account.id,
        "kiosk_revoke",
        ("kiosk", kiosk.id),
        now,
        old={"revoked_at": None},
        new={"revoked_at": now.isoformat()},
    )
    revoke_kiosk(uow, kiosk.id, now)  # commits the audit entry with the revocation
    return kiosk


def last_seen_for(
    uow: StaffUnitOfWork, account: StaffAccount, operator_id: str | None = None
) -> dict[str, datetime]:
    """When each kiosk the account may see last opened a session (absent: never)."""
    if account.role is Role.KIOSK_OPERATOR:
        operator_id = account.kiosk_operator_id
    elif account.role is not Role.CENTRE_OPERATOR:
        raise NotVisibleError()
    return uow.kiosks.last_seen(operator_id)


def credential_version(kiosk: Kiosk) -> str:
    """A short fingerprint of the kiosk's current credential (of its stored hash, never the
    secret): the rotation form carries it, so a form posted twice rotates once."""
    return hashlib.sha256(kiosk.credential_hash.encode()).hexdigest()[:16]


def rotate_kiosk_for(
    uow: StaffUnitOfWork,
    account: StaffAccount,
    pepper: str,
    kiosk_id: str,
    now: datetime,
    seen: str | None = None,
) -> str:
    """Give a kiosk a new credential; returns its bearer token ``KIOSK_ID.SECRET`` (to show
    once). The old one is refused from the next call in every process (the kiosk table is
    reference data). Sessions in progress stay: they are the same kiosk's. One commit,
    audited (never the secret). Raises NotVisibleError (unknown or another's) or
    StaffInputError KIOSK_REVOKED (a revoked kiosk is registered again, not rotated) or
    KIOSK_ALREADY_ROTATED (``seen``, the ``credential_version`` the form showed, is no longer
    current: the form was posted twice, or someone rotated it meanwhile).
    """
    kiosk = kiosk_for(uow, account, kiosk_id)
    if seen is not None and seen != credential_version(kiosk):
        raise StaffInputError(
            "KIOSK_ALREADY_ROTATED",
            "この端末の認証情報はすでに更新されています。必要なら、もう一度更新してください。",
            "This kiosk's credential has already been rotated; rotate again if needed.",
        )
    if not kiosk.active:
        raise StaffInputError(
            "KIOSK_REVOKED",
            "失効した端末の認証情報は更新できません。",
            "A revoked kiosk's credential cannot be rotated.",
        )
    audit(
        uow,
        account.id,
        "kiosk_rotate",
        ("kiosk", kiosk.id),
        now,
        new={"rotated_at": now.isoformat()},
    )
    return register_kiosk(uow, pepper, kiosk.id, kiosk.operator_id, kiosk.location)  # commits

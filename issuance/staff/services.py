"""Staff accounts' use cases: create, check password and TOTP with lockout, audit."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from issuance.staff.errors import LoginFailedError, StaffInputError, TotpFailedError
from issuance.staff.model import AuditEntry, Role, StaffAccount, check_tenant
from issuance.staff.ports import StaffUnitOfWork

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_LOGIN = re.compile(r"^[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,189}\.[a-z]{2,}$")
_CODE = re.compile(r"^[0-9]{6}$")


def normalise_login(login: str) -> str:
    """``login`` stripped and lowercased; StaffInputError ``LOGIN_INVALID`` unless email-like."""
    cleaned = login.strip().lower()
    if not _LOGIN.match(cleaned):
        raise StaffInputError(
            "LOGIN_INVALID",
            "ログインIDはメールアドレスの形式で入力してください。",
            "The login ID must look like an email address.",
        )
    return cleaned


def audit(
    uow: StaffUnitOfWork,
    account_id: int | None,
    action: str,
    target: tuple[str, str],
    now: datetime,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Add one audit entry (``target`` = (kind, id)); committed with the use case's change."""
    kind, target_id = target
    uow.staff_audit.add(
        AuditEntry(
            at=now,
            account_id=account_id,
            action=action,
            target_kind=kind,
            target_id=target_id[:254],
            old=old,
            new=new,
        )
    )


def create_account(
    uow: StaffUnitOfWork,
    hasher: PasswordHasher,
    *,
    login: str,
    display_name: str,
    role: Role,
    now: datetime,
    municipality_code: str | None = None,
    kiosk_operator_id: str | None = None,
    password: str | None = None,
    totp_secret: str | None = None,
    by: int | None = None,
) -> tuple[StaffAccount, str]:
    """Create and commit an account; returns it with its password (random when not given).

    Raises StaffInputError (LOGIN_INVALID, LOGIN_TAKEN) or TenantMismatchError.
    """
    login = normalise_login(login)
    check_tenant(role, municipality_code, kiosk_operator_id)
    if uow.staff_accounts.by_login(login) is not None:
        raise StaffInputError(
            "LOGIN_TAKEN", "このログインIDは使われています。", "This login ID is already in use."
        )
    password = password or secrets.token_urlsafe(12)
    account = StaffAccount(
        login=login,
        display_name=display_name.strip()[:100] or login,
        password_hash=hasher.hash(password),
        totp_secret=totp_secret,
        role=role,
        municipality_code=municipality_code,
        kiosk_operator_id=kiosk_operator_id,
        failed_logins=0,
        created_at=now,
    )
    uow.staff_accounts.add(account)
    tenant = municipality_code or kiosk_operator_id
    audit(
        uow,
        by,
        "account_create",
        ("account", str(account.id)),
        now,
        new={"login": login, "role": role.value, "tenant": tenant},
    )
    uow.commit()
    return account, password


def check_password(
    uow: StaffUnitOfWork, hasher: PasswordHasher, login: str, password: str, now: datetime
) -> StaffAccount:
    """The account whose password this is (first step of a login), audited and committed.

    Raises LoginFailedError alike for an unknown, removed or locked account and a wrong
    password; the fifth failure in a row locks the account for ``LOCKOUT``.
    """
    cleaned = login.strip().lower()[:254]
    account = uow.staff_accounts.by_login(cleaned)
    if account is None or not account.active or account.invited:
        _burn(hasher, password)  # as slow as a real check: no telling unknown logins apart
        audit(uow, None, "login_failed", ("login", cleaned), now, new={"step": "password"})
        uow.commit()
        raise LoginFailedError()
    if account.locked(now):
        audit(uow, account.id, "login_refused_locked", ("account", str(account.id)), now)
        uow.commit()
        raise LoginFailedError()
    try:
        hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        record_failed_login(uow, account, now, "password")
        uow.commit()
        raise LoginFailedError() from None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    audit(uow, account.id, "login_password_ok", ("account", str(account.id)), now)
    uow.commit()
    return account


def check_totp(
    uow: StaffUnitOfWork,
    account_id: int,
    code: str,
    now: datetime,
    enrolling_secret: str | None = None,
) -> StaffAccount:
    """Second step: ``code`` (6 digits) against the account's secret, or ``enrolling_secret``
    for an account not enrolled yet (then stored). Commits; a success resets the failures.

    Raises LoginFailedError (account gone or locked) or TotpFailedError (counts as a failure).
    """
    account = uow.staff_accounts.get(account_id)
    if account is None or not account.active or account.locked(now):
        raise LoginFailedError()
    secret = account.totp_secret or enrolling_secret
    step = matching_step(secret, code.strip(), now) if secret else None
    if step is None or step <= (account.totp_last_step or -1):  # wrong, or used already
        record_failed_login(uow, account, now, "totp")
        uow.commit()
        raise TotpFailedError()
    account.totp_last_step = step
    if account.totp_secret is None:
        account.totp_secret = secret
        audit(uow, account.id, "totp_enrolled", ("account", str(account.id)), now)
    account.failed_logins = 0
    audit(uow, account.id, "login_success", ("account", str(account.id)), now)
    uow.commit()
    return account


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step (previous, current or next: valid_window=1) ``code`` belongs to."""
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def open_session(uow: StaffUnitOfWork, account_id: int) -> str:
    """A new session id for the account (returned once; its digest stored, committed).

    The account's earlier session, in whatever browser, is no longer valid.
    """
    session_id = secrets.token_urlsafe(32)
    account = uow.staff_accounts.get(account_id)
    if account is None:
        raise LoginFailedError()
    account.session_digest = session_digest(session_id)
    uow.commit()
    return session_id


def close_session(uow: StaffUnitOfWork, account_id: int) -> None:
    """Sign the account out everywhere (committed)."""
    account = uow.staff_accounts.get(account_id)
    if account is not None:
        account.session_digest = None
        uow.commit()


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def session_matches(account: StaffAccount, session_id: object) -> bool:
    """Whether ``session_id`` (from the signed cookie) is the account's current session."""
    if not isinstance(session_id, str) or account.session_digest is None:
        return False
    return hmac.compare_digest(account.session_digest, session_digest(session_id))


def record_failed_login(
    uow: StaffUnitOfWork, account: StaffAccount, now: datetime, step: str
) -> None:
    """Count one failure (``step``: password or totp); the fifth in a row locks the account."""
    account.failed_logins = (account.failed_logins or 0) + 1
    target = ("account", str(account.id))
    audit(uow, account.id, "login_failed", target, now, new={"step": step})
    if account.failed_logins >= MAX_FAILED_LOGINS:
        account.locked_until = now + LOCKOUT
        account.failed_logins = 0
        audit(
            uow,
            account.id,
            "account_locked",
            target,
            now,
            new={"locked_until": account.locked_until.isoformat()},
        )


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def totp_uri(secret: str, login: str) -> str:
    """The otpauth:// URI an authenticator app reads (issuer: kofu)."""
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name="kofu")


# A hash of a random value nobody knows: checked against when the login is unknown.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$+0qB7S13OnDdzoNO2d3sRQ$"
    "Aej71zxD6Gh0aHIMwxqmyGUipyOrcbnJKPWX607TndM"
)


def _burn(hasher: PasswordHasher, password: str) -> None:
    try:
        hasher.verify(_DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        pass

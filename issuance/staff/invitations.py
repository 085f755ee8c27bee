"""Joining by invitation: the invitee opens a single-use link, sets a password (argon2) and
enrols TOTP; then signs in like everyone else.

The link's token is shown once to whoever invited; only its SHA-256 digest is stored, with
the end of its validity (72 hours). Accepting clears both, so a link works once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher

from issuance.staff.errors import NotVisibleError, StaffInputError, TotpFailedError
from issuance.staff.model import StaffAccount
from issuance.staff.ports import StaffUnitOfWork
from issuance.staff.services import audit, matching_step

PASSWORD_MIN = 12
PASSWORD_MAX = 128


def new_invitation_token() -> tuple[str, str]:
    """A fresh link token (256 bits, URL-safe) and the digest stored for it."""
    token = secrets.token_urlsafe(32)
    return token, invitation_digest(token)


def invitation_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invited_account(uow: StaffUnitOfWork, token: str, now: datetime) -> StaffAccount:
    """The account invited by link ``token``, while the link is valid at ``now``.

    Raises NotVisibleError alike for an unknown, used, expired or withdrawn link (the page
    answers 404 and says the link no longer works).
    """
    if not token or len(token) > 100:
        raise NotVisibleError()
    account = uow.staff_accounts.by_invitation(invitation_digest(token))
    if (
        account is None
        or not account.active
        or account.invitation_expires_at is None
        or now >= account.invitation_expires_at
    ):
        raise NotVisibleError()
    return account


def check_new_password(password: str, repeated: str, login: str) -> None:
    """Raise StaffInputError PASSWORD_TOO_SHORT, PASSWORD_TOO_LONG, PASSWORD_IS_LOGIN or
    PASSWORDS_DIFFER (NIST SP 800-63B §5.1.1: length over composition rules)."""
    if len(password) < PASSWORD_MIN:
        raise StaffInputError(
            "PASSWORD_TOO_SHORT",
            f"パスワードは{PASSWORD_MIN}文字以上にしてください。",
            f"The password must have at least {PASSWORD_MIN} characters.",
        )
    if len(password) > PASSWORD_MAX:
        raise StaffInputError(
            "PASSWORD_TOO_LONG",
            f"パスワードは{PASSWORD_MAX}文字以内にしてください。",
            f"The password must have at most {PASSWORD_MAX} characters.",
        )
    if password.strip().lower() == login:
        raise StaffInputError(
            "PASSWORD_IS_LOGIN",
            "ログインIDと同じパスワードは使えません。",
            "The password cannot be the login ID.",
        )
    if password != repeated:
        raise StaffInputError(
            "PASSWORDS_DIFFER",
            "確認のために入力したパスワードが一致しません。",
            "The two passwords do not match.",
        )


def accept_invitation(
    uow: StaffUnitOfWork,
    hasher: PasswordHasher,
    token: str,
    *,
    password: str,
    repeated: str,
    totp_secret: str,
    code: str,
    now: datetime,
) -> StaffAccount:
    """Join: set the password and the TOTP secret the code proves enrolled (one commit,
    audited). The link stops working. Raises NotVisibleError (see ``invited_account``),
    StaffInputError (see ``check_new_password``) or TotpFailedError (nothing is written)."""
    account = invited_account(uow, token, now)
    check_new_password(password, repeated, account.login)
    step = matching_step(totp_secret, code.strip(), now)
    if step is None:
        raise TotpFailedError()
    account.password_hash = hasher.hash(password)
    account.totp_secret = totp_secret
    account.totp_last_step = step
    account.invitation_digest = None
    account.invitation_expires_at = None
    account.failed_logins = 0
    audit(uow, account.id, "staff_join", ("account", str(account.id)), now)
    uow.commit()
    return account

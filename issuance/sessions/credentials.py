"""Kiosk credentials: issued once, stored as a keyed hash, revocable, checked on every call."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from issuance.errors import KofuError
from issuance.ports import UnitOfWork
from issuance.reference import VersionedCache
from issuance.sessions.checks import end_kiosk_sessions
from issuance.sessions.kiosks import Kiosk


class KioskAuthError(KofuError):
    code = "KIOSK_UNAUTHORIZED"
    message_ja = "この端末は認証されていません。"
    message_en = "This kiosk is not authorised."


# No look-alikes (0/O, 1/I/l, 5/S kept apart by leaving out 0, O, 1, I, L): a technician
# may read the credential off a screen into a kiosk's set-up. 31 symbols, 40 of them: 198 bits.
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SECRET_LENGTH, SECRET_GROUP = 40, 5


def new_secret() -> str:
    """A kiosk secret of ``SECRET_LENGTH`` symbols in groups of five: ``ABCDE-FGHJK-…``."""
    symbols = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    return "-".join(symbols[i : i + SECRET_GROUP] for i in range(0, SECRET_LENGTH, SECRET_GROUP))


def credential_hash(pepper: str, secret: str) -> str:
    return hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).hexdigest()


def register_kiosk(
    uow: UnitOfWork,
    pepper: str,
    kiosk_id: str,
    operator_id: str,
    location: str,
    secret: str | None = None,
) -> str:
    """Create (or re-key) a kiosk; returns the bearer token ``KIOSK_ID.SECRET`` shown once."""
    secret = secret or new_secret()
    kiosk = uow.kiosks.get(kiosk_id)
    if kiosk is None:
        kiosk = Kiosk(id=kiosk_id, operator_id=operator_id, location=location, credential_hash="")
        uow.kiosks.add(kiosk)
    kiosk.credential_hash = credential_hash(pepper, secret)
    kiosk.revoked_at = None
    uow.commit()
    return f"{kiosk_id}.{secret}"


def revoke_kiosk(uow: UnitOfWork, kiosk_id: str, now: datetime) -> None:
    """Revoke a kiosk's credential; in the same commit its sessions end and their requests
    not yet downloaded are withdrawn, ready documents deleted (session_checks). KioskAuthError
    for an unknown kiosk."""
    kiosk = uow.kiosks.get(kiosk_id)
    if kiosk is None:
        raise KioskAuthError()
    kiosk.revoked_at = now
    end_kiosk_sessions(uow, kiosk_id, now)
    uow.commit()


@dataclass(frozen=True)
class KioskEntry:
    """What every call checks of its kiosk, and what the ledger needs of it."""

    id: str
    operator_id: str
    credential_hash: str
    active: bool


class KioskDirectory:
    """Kiosks by id, kept per process until reference data changes (a revocation, a re-key)."""

    def __init__(self) -> None:
        self._cache: VersionedCache[str, KioskEntry] = VersionedCache()

    def get(self, uow: UnitOfWork, kiosk_id: str) -> KioskEntry | None:
        return self._cache.get(uow, kiosk_id, lambda: self._read(uow, kiosk_id))

    @staticmethod
    def _read(uow: UnitOfWork, kiosk_id: str) -> KioskEntry | None:
        kiosk = uow.kiosks.get(kiosk_id)
        if kiosk is None:
            return None
        return KioskEntry(kiosk.id, kiosk.operator_id, kiosk.credential_hash, kiosk.active)


def authenticate_kiosk(
    uow: UnitOfWork, kiosks: KioskDirectory, pepper: str, token: str | None, now: datetime
) -> str:
    """The kiosk id behind a bearer token; unknown, wrong and revoked all look the same.

    A revoked kiosk that still presents its secret (revoked elsewhere, e.g. by plain SQL, and
    calling again) has its sessions ended first, as ``revoke_kiosk`` would (committed).
    """
    # Printable ASCII only: a NUL byte in the kiosk id would make PostgreSQL raise, not miss.
    if not token or "." not in token or not (token.isascii() and token.isprintable()):
        raise KioskAuthError()
    kiosk_id, _, secret = token.partition(".")
    kiosk = kiosks.get(uow, kiosk_id[:32])
    expected = kiosk.credential_hash if kiosk is not None else credential_hash(pepper, "x")
    if not hmac.compare_digest(expected, credential_hash(pepper, secret)) or kiosk is None:
        raise KioskAuthError()
    if not kiosk.active:
        end_kiosk_sessions(uow, kiosk.id, now)
        uow.commit()
        raise KioskAuthError()
    return kiosk.id

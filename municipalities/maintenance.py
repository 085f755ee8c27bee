"""Maintenance windows a municipality announces and cancels, validated whole and audited.

The kiosk flow already refuses inside a window (``issuance.eligibility.check_offering``,
code MAINTENANCE). Windows are reference data: writing one bumps the reference-data version
(migration 0007's triggers), so every centre process reads them again on its next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from issuance.model import CertificateKind
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.model import MaintenanceWindow

LONGEST = timedelta(days=7)
NOTE_LENGTH = 200
PAST_SHOWN = 20


@dataclass(frozen=True)
class WindowInput:
    """A window as announced: aware datetimes (the portal reads them as JST), kind or None."""

    starts_at: datetime
    ends_at: datetime
    kind: str | None
    note: str


@dataclass(frozen=True)
class Windows:
    upcoming: list[MaintenanceWindow]  # not yet ended, by start (in progress ones first)
    past: list[MaintenanceWindow]  # ended, the latest first (at most PAST_SHOWN)


def _refuse(code: str, ja: str, en: str) -> StaffInputError:
    return StaffInputError(code, ja, en)


def validate_window(window: WindowInput, now: datetime) -> WindowInput:
    """The window, its note stripped, when it may be announced at ``now``.

    Raises StaffInputError: MAINTENANCE_KIND_UNKNOWN, MAINTENANCE_NOTE_TOO_LONG,
    MAINTENANCE_IN_PAST (starts before now), MAINTENANCE_END_BEFORE_START,
    MAINTENANCE_TOO_LONG (over seven days).
    """
    if window.kind is not None and window.kind not in set(CertificateKind):
        raise _refuse(
            "MAINTENANCE_KIND_UNKNOWN",
            "証明書の種類を一覧から選んでください。",
            "Choose a certificate kind from the list.",
        )
    note = window.note.strip()
    if len(note) > NOTE_LENGTH:
        raise _refuse(
            "MAINTENANCE_NOTE_TOO_LONG",
            f"内容は{NOTE_LENGTH}文字以内で入力してください。",
            f"The note must be at most {NOTE_LENGTH} characters.",
        )
    if window.starts_at < now:
        raise _refuse(
            "MAINTENANCE_IN_PAST",
            "開始日時に過去の日時は指定できません。",
            "The start cannot be in the past.",
        )
    if window.ends_at <= window.starts_at:
        raise _refuse(
            "MAINTENANCE_END_BEFORE_START",
            "終了日時は開始日時より後にしてください。",
            "The end must be after the start.",
        )
    if window.ends_at - window.starts_at > LONGEST:
        raise _refuse(
            "MAINTENANCE_TOO_LONG",
            "一度に告知できる停止は7日以内です。",
            "One window can last at most 7 days.",
        )
    return WindowInput(window.starts_at, window.ends_at, window.kind, note)


def windows_of(uow: SqlUnitOfWork, code: str, now: datetime) -> Windows:
    """Municipality ``code``'s windows and the nationwide ones, split at ``now``."""
    mine = or_(
        MaintenanceWindow.municipality_code == code, MaintenanceWindow.municipality_code.is_(None)
    )
    upcoming = uow.session.scalars(
        select(MaintenanceWindow)
        .where(mine, MaintenanceWindow.ends_at > now)
        .order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)
    )
    past = uow.session.scalars(
        select(MaintenanceWindow)
        .where(mine, MaintenanceWindow.ends_at <= now)
        .order_by(MaintenanceWindow.starts_at.desc(), MaintenanceWindow.id.desc())
        .limit(PAST_SHOWN)
    )
    return Windows(list(upcoming), list(past))


def _as_audit(window: MaintenanceWindow | WindowInput) -> dict[str, str | None]:
    return {
        "starts_at": window.starts_at.isoformat(),
        "ends_at": window.ends_at.isoformat(),
        "kind": window.kind,
        "note": window.note,
    }


def _require_admin(account: StaffAccount, code: str) -> None:
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()


def announce_window(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, window: WindowInput, now: datetime
) -> MaintenanceWindow:
    """Announce a window for municipality ``code`` (validated whole, audited, one commit).

    Raises NotVisibleError (not an administrator of ``code``) or StaffInputError (see
    ``validate_window``; MAINTENANCE_ALREADY_ANNOUNCED: the same window). Kiosks refuse
    the kind(s) inside it from their next call.
    """
    _require_admin(account, code)
    window = validate_window(window, now)
    same = uow.session.scalar(
        select(MaintenanceWindow.id).where(
            MaintenanceWindow.municipality_code == code,
            MaintenanceWindow.kind.is_(None)
            if window.kind is None
            else MaintenanceWindow.kind == window.kind,
            MaintenanceWindow.starts_at == window.starts_at,
            MaintenanceWindow.ends_at == window.ends_at,
        )
    )
    if same is not None:  # a form posted twice (the back button) announces nothing new
        raise _refuse(
            "MAINTENANCE_ALREADY_ANNOUNCED",
            "同じ停止がすでに告知されています。",
            "The same window has already been announced.",
        )
    row = MaintenanceWindow(
        municipality_code=code,
        kind=window.kind,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        note=window.note,
    )
    uow.session.add(row)
    uow.session.flush()  # its id, for the audit entry
    target = ("maintenance_window", str(row.id))
    audit(uow, account.id, "maintenance_announce", target, now, new=_as_audit(window))
    uow.commit()
    return row


def cancel_window(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, window_id: int, now: datetime
) -> None:
    """Cancel (delete) one of ``code``'s windows that has not ended (audited, one commit).

    Raises NotVisibleError (unknown, another municipality's, or nationwide: only the centre
    cancels those) or StaffInputError MAINTENANCE_ENDED.
    """
    _require_admin(account, code)
    row = window_of(uow, code, window_id)
    if row.ends_at <= now:
        raise _refuse(
            "MAINTENANCE_ENDED",
            "終了した停止は取り消せません。",
            "A window that has ended cannot be cancelled.",
        )
    target = ("maintenance_window", str(row.id))
    audit(uow, account.id, "maintenance_cancel", target, now, old=_as_audit(row))
    uow.session.delete(row)
    uow.commit()


def window_of(uow: SqlUnitOfWork, code: str, window_id: int) -> MaintenanceWindow:
    """One window of municipality ``code``; NotVisibleError otherwise (nationwide included)."""
    row = uow.session.get(MaintenanceWindow, window_id)
    if row is None or row.municipality_code != code:
        raise NotVisibleError()
    return row

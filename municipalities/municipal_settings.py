"""A municipality's own settings, effective-dated: the 戸籍 利用登録 delay (business days) and
the 課税証明書 wide-area opt-in (広域交付). Now, history, scheduling (validated whole,
audited), withdrawing one not yet in effect.

A change is a row of ``municipalities_setting_change`` in effect from its date and time; the
kiosk flow reads it through the municipality directory (``MunicipalityInfo.settings_at``) at
the moment of each request, in every process (the table bumps the reference version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from issuance.ports import MunicipalityInfo, ScheduledSettings
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.directory import read_info
from municipalities.model import SettingChange

#: The longest 利用登録 delay a municipality may set, in business days. No law or notice fixes
#: a maximum: each 本籍地 sets its own, usually 1-3 business days (DOMAIN §2, 戸籍証明書).
#: 30 business days, about six weeks, is kofu's own bound: room for a slow office, while a
#: typo such as 99 is refused. The table checks it too (migration 0015).
MAX_REGISTRATION_DAYS = 30


@dataclass(frozen=True)
class SettingsInput:
    """A change as scheduled: ``effective_from`` aware (the portal reads JST), the delay in
    business days, the wide-area opt-in."""

    effective_from: datetime
    koseki_registration_days: int
    wide_area_tax: bool


@dataclass(frozen=True)
class MunicipalSettings:
    """The settings in effect now and every scheduled change (past ones: the history)."""

    now: ScheduledSettings
    changes: list[SettingChange]  # by effective_from, newest last


def _info(uow: SqlUnitOfWork, code: str) -> MunicipalityInfo:
    info = read_info(uow, code)
    if info is None:
        raise NotVisibleError()
    return info


def _require_admin(account: StaffAccount, code: str) -> None:
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()


def settings_of(uow: SqlUnitOfWork, code: str, now: datetime) -> MunicipalSettings:
    """Municipality ``code``'s settings at ``now`` and its changes; NotVisibleError when
    unknown."""
    info = _info(uow, code)
    rows = uow.session.scalars(
        select(SettingChange)
        .where(SettingChange.municipality_code == code)
        .order_by(SettingChange.effective_from, SettingChange.id)
    ).all()
    return MunicipalSettings(info.settings_at(now), list(rows))


def settings_at(uow: SqlUnitOfWork, code: str, at: datetime) -> ScheduledSettings:
    """The settings of ``code`` in effect at ``at`` (what a kiosk request then reads)."""
    return _info(uow, code).settings_at(at)


def validate_settings_change(change: SettingsInput, now: datetime) -> None:
    """Raise StaffInputError SETTINGS_IN_PAST (before ``now``) or REGISTRATION_DAYS_OUT_OF_RANGE
    (not 0 to ``MAX_REGISTRATION_DAYS`` business days)."""
    if change.effective_from < now:
        raise StaffInputError(
            "SETTINGS_IN_PAST",
            "適用開始日時に過去の日時は指定できません。",
            "The change cannot apply from a moment in the past.",
        )
    if not 0 <= change.koseki_registration_days <= MAX_REGISTRATION_DAYS:
        raise StaffInputError(
            "REGISTRATION_DAYS_OUT_OF_RANGE",
            f"利用登録から交付までの日数は0から{MAX_REGISTRATION_DAYS}までの整数"
            "（開庁日の日数）で入力してください。",
            f"The delay must be a whole number of business days from 0 to {MAX_REGISTRATION_DAYS}.",
        )


def _as_audit(settings: ScheduledSettings) -> dict[str, object]:
    return {
        "effective_from": settings.effective_from.isoformat(),
        "koseki_registration_days": settings.koseki_registration_days,
        "wide_area_tax": settings.wide_area_tax,
    }


def schedule_settings_change(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, change: SettingsInput, now: datetime
) -> SettingChange:
    """Schedule ``change`` for municipality ``code`` (validated whole, audited with the
    settings it replaces at that moment, one commit).

    Raises NotVisibleError (not an administrator of ``code``) or StaffInputError (see
    ``validate_settings_change``; SETTINGS_CHANGE_EXISTS: one from that moment already).
    """
    _require_admin(account, code)
    validate_settings_change(change, now)
    taken = uow.session.scalar(
        select(SettingChange.id).where(
            SettingChange.municipality_code == code,
            SettingChange.effective_from == change.effective_from,
        )
    )
    if taken is not None:
        raise StaffInputError(
            "SETTINGS_CHANGE_EXISTS",
            "同じ日時からの設定変更がすでに予約されています。"
            "変えるときは、予約を取り下げてから予約し直してください。",
            "A settings change from this moment is already scheduled. "
            "To change it, withdraw that one and schedule again.",
        )
    replaced = _info(uow, code).settings_at(change.effective_from)
    row = SettingChange(
        municipality_code=code,
        effective_from=change.effective_from,
        koseki_registration_days=change.koseki_registration_days,
        wide_area_tax=change.wide_area_tax,
        account_id=account.id,
        created_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    new = ScheduledSettings(
        change.effective_from, change.koseki_registration_days, change.wide_area_tax
    )
    old = _as_audit(replaced)
    old.pop("effective_from")  # the settings it replaces, from whenever they applied
    audit(
        uow, account.id, "settings_schedule", ("settings", code), now, old=old, new=_as_audit(new)
    )
    uow.commit()
    return row


def setting_change_of(uow: SqlUnitOfWork, code: str, change_id: int) -> SettingChange:
    """One settings change of municipality ``code``; NotVisibleError otherwise."""
    row = uow.session.get(SettingChange, change_id)
    if row is None or row.municipality_code != code:
        raise NotVisibleError()
    return row


def withdraw_settings_change(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, change_id: int, now: datetime
) -> None:
    """Withdraw a change not yet in effect (deleted; the audit entry keeps it; one commit).

    Raises NotVisibleError (not an administrator of ``code``; unknown or another's change)
    or StaffInputError SETTINGS_CHANGE_IN_EFFECT.
    """
    _require_admin(account, code)
    row = setting_change_of(uow, code, change_id)
    if row.effective_from <= now:
        raise StaffInputError(
            "SETTINGS_CHANGE_IN_EFFECT",
            "適用が始まった変更は取り消せません。新たな変更を予約してください。",
            "A change in effect cannot be withdrawn; schedule another change instead.",
        )
    old = _as_audit(scheduled(row))
    audit(uow, account.id, "settings_withdraw", ("settings", code), now, old=old)
    uow.session.delete(row)
    uow.commit()


def scheduled(row: SettingChange) -> ScheduledSettings:
    return ScheduledSettings(row.effective_from, row.koseki_registration_days, row.wide_area_tax)

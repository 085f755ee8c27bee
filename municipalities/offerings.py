"""What a municipality offers at kiosks, effective-dated: the offering of each kind now, its
scheduled changes, scheduling one (validated whole, audited), and the menu at a moment.

A change is a row of ``municipalities_offering_change`` in effect from its date and time; the
kiosk flow reads it through the municipality directory (``MunicipalityInfo.offering_at``), so
menus, refusals and fees follow it from that moment in every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from issuance.eligibility import MenuLine, municipal_menu
from issuance.model import CertificateKind
from issuance.ports import NEVER_OFFERED_FEE, MunicipalityInfo, Offering, OfferingChanges
from issuance.service_hours import STANDARD_HOURS, DayClass, DayHours, ServiceHours
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.directory import read_info
from municipalities.model import OfferingChange

MAX_FEE = 10_000  # yen per copy


@dataclass(frozen=True)
class ChangeLine:
    """One scheduled change as the services page lists it: what it sets (``changes``), the
    offering just before it (None: none) and the offering it makes."""

    id: int
    kind: str
    effective_from: datetime
    changes: OfferingChanges
    before: Offering | None
    after: Offering


@dataclass(frozen=True)
class KindService:
    """One kind: the offering in effect now (None: never offered), changes still to come (by
    effective_from) and changes in effect already (newest first)."""

    kind: str
    now: Offering | None
    upcoming: list[ChangeLine]
    past: list[ChangeLine]


@dataclass(frozen=True)
class OfferingInput:
    """A change as scheduled: ``effective_from`` aware (the portal reads JST), fee in yen,
    hours in JST by day class (平日 / 土曜 / 日曜・祝日; None: closed those days)."""

    kind: str
    effective_from: datetime
    offered: bool
    fee: int
    hours: ServiceHours


def _info(uow: SqlUnitOfWork, code: str) -> MunicipalityInfo:
    info = read_info(uow, code)
    if info is None:
        raise NotVisibleError()
    return info


def services_of(uow: SqlUnitOfWork, code: str, now: datetime) -> list[KindService]:
    """Every certificate kind of municipality ``code``, in printed order, with its changes
    before and after ``now``; NotVisibleError for an unknown code."""
    info = _info(uow, code)
    rows = uow.session.scalars(
        select(OfferingChange)
        .where(OfferingChange.municipality_code == code)
        .order_by(OfferingChange.effective_from, OfferingChange.id)
    ).all()
    services = []
    for kind in CertificateKind:
        current = info.offerings.get(kind.value)
        lines = []
        for row in (r for r in rows if r.kind == kind.value):
            start = current or Offering(kind.value, False, NEVER_OFFERED_FEE, STANDARD_HOURS)
            after = row.changes.applied_to(start)
            lines.append(
                ChangeLine(row.id, row.kind, row.effective_from, row.changes, current, after)
            )
            current = after
        services.append(
            KindService(
                kind.value,
                info.offering_at(kind.value, now),
                [line for line in lines if line.effective_from > now],
                [line for line in reversed(lines) if line.effective_from <= now],
            )
        )
    return services


def offering_in_effect(uow: SqlUnitOfWork, code: str, kind: str, at: datetime) -> Offering | None:
    """The offering of ``kind`` that applies at ``at`` (what a change from then starts from);
    NotVisibleError for an unknown code."""
    return _info(uow, code).offering_at(kind, at)


def menu_at(uow: SqlUnitOfWork, code: str, at: datetime) -> list[MenuLine]:
    """What a kiosk would offer a resident of ``code`` at ``at`` (``municipal_menu``)."""
    return municipal_menu(_info(uow, code), at)


def validate_offering_change(change: OfferingInput, now: datetime) -> None:
    """Raise StaffInputError OFFERING_KIND_UNKNOWN, OFFERING_IN_PAST (before ``now``),
    FEE_OUT_OF_RANGE (not 0-10,000 yen) or HOURS_INVALID (a day class whose closing time
    is not after its opening time; an end at midnight is written 23:59)."""
    if change.kind not in set(CertificateKind):
        raise StaffInputError(
            "OFFERING_KIND_UNKNOWN",
            "証明書の種類を一覧から選んでください。",
            "Choose a certificate kind from the list.",
        )
    if change.effective_from < now:
        raise StaffInputError(
            "OFFERING_IN_PAST",
            "適用開始日時に過去の日時は指定できません。",
            "The change cannot apply from a moment in the past.",
        )
    if not 0 <= change.fee <= MAX_FEE:
        raise StaffInputError(
            "FEE_OUT_OF_RANGE",
            f"手数料は0円から{MAX_FEE:,}円までの整数で入力してください。",
            f"The fee must be a whole number of yen from 0 to {MAX_FEE:,}.",
        )
    if any(day is not None and day.closes <= day.opens for _, day in change.hours.items()):
        raise StaffInputError(
            "HOURS_INVALID",
            "終了時刻は開始時刻より後にしてください。",
            "The closing time must be after the opening time.",
        )


def change_of(uow: SqlUnitOfWork, code: str, change_id: int) -> OfferingChange:
    """One scheduled change of municipality ``code``; NotVisibleError otherwise."""
    row = uow.session.get(OfferingChange, change_id)
    if row is None or row.municipality_code != code:
        raise NotVisibleError()
    return row


def withdraw_offering_change(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, change_id: int, now: datetime
) -> None:
    """Withdraw a change not yet in effect (deleted; the audit entry keeps it; one commit).

    Raises NotVisibleError (not an administrator of ``code``; unknown or another's change)
    or StaffInputError OFFERING_CHANGE_IN_EFFECT (in effect already: schedule another one).
    """
    _require_admin(account, code)
    row = change_of(uow, code, change_id)
    if row.effective_from <= now:
        raise StaffInputError(
            "OFFERING_CHANGE_IN_EFFECT",
            "適用が始まった変更は取り消せません。新たな変更を予約してください。",
            "A change in effect cannot be withdrawn; schedule another change instead.",
        )
    old = changes_as_audit(row.changes)
    old["effective_from"] = row.effective_from.isoformat()
    target = ("offering", f"{code}/{row.kind}")
    audit(uow, account.id, "offering_withdraw", target, now, old=old)
    uow.session.delete(row)
    uow.commit()


def _require_admin(account: StaffAccount, code: str) -> None:
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()


def changes_as_audit(changes: OfferingChanges) -> dict[str, object]:
    """Only the fields ``changes`` sets: ``{"fee": 300, "hours_saturday": "09:00-17:00"}``."""
    values: dict[str, object] = {}
    if changes.offered is not None:
        values["offered"] = changes.offered
    if changes.fee is not None:
        values["fee"] = changes.fee
    values.update(hours_as_audit(changes.hours))
    return values


def _replaced_as_audit(replaced: Offering | None, changes: OfferingChanges) -> dict[str, object]:
    """What the fields ``changes`` sets were before it (none: the kind had no offering)."""
    if replaced is None:
        return {}
    return changes_as_audit(
        OfferingChanges(
            None if changes.offered is None else replaced.offered,
            None if changes.fee is None else replaced.fee,
            tuple((cls, replaced.hours.of(cls)) for cls, _ in changes.hours),
        )
    )


def hours_as_audit(
    hours: ServiceHours | tuple[tuple[DayClass, DayHours | None], ...],
) -> dict[str, str]:
    """``{"hours_weekday": "06:30-23:00", "hours_saturday": "closed", ...}`` for the trail
    (every day class of a ``ServiceHours``; those given of a tuple)."""
    days = hours.items() if isinstance(hours, ServiceHours) else hours
    return {
        f"hours_{cls.value}": (
            f"{day.opens.isoformat('minutes')}-{day.closes.isoformat('minutes')}"
            if day
            else "closed"
        )
        for cls, day in days
    }


def _refuse_a_second_change_at(uow: SqlUnitOfWork, code: str, change: OfferingInput) -> None:
    """Two changes of one kind from one moment would leave it unclear which applies (and a
    form posted twice made exactly that)."""
    taken = uow.session.scalar(
        select(OfferingChange.id).where(
            OfferingChange.municipality_code == code,
            OfferingChange.kind == change.kind,
            OfferingChange.effective_from == change.effective_from,
        )
    )
    if taken is not None:
        raise StaffInputError(
            "OFFERING_CHANGE_EXISTS",
            "この証明書には、同じ日時からの変更がすでに予約されています。"
            "変えるときは、予約を取り下げてから予約し直してください。",
            "A change of this certificate from this moment is already scheduled. "
            "To change it, withdraw that one and schedule again.",
        )


def schedule_offering_change(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, change: OfferingInput, now: datetime
) -> OfferingChange:
    """Schedule ``change`` for municipality ``code``: only the fields that differ from the
    offering in effect at ``effective_from`` are stored (the others stay as they are, even
    if an earlier change comes before it later). Validated whole, audited with the changed
    fields only (old → new), one commit.

    Raises NotVisibleError (not an administrator of ``code``) or StaffInputError (see
    ``validate_offering_change``; OFFERING_CHANGE_EXISTS: one of that kind from that moment;
    OFFERING_CHANGE_EMPTY: it changes nothing then).
    """
    _require_admin(account, code)
    validate_offering_change(change, now)
    _refuse_a_second_change_at(uow, code, change)
    replaced = _info(uow, code).offering_at(change.kind, change.effective_from)
    wanted = Offering(change.kind, change.offered, change.fee, change.hours)
    changes = OfferingChanges.between(replaced, wanted)
    if changes.empty:
        raise StaffInputError(
            "OFFERING_CHANGE_EMPTY",
            "その日時に適用される設定と同じです。変える項目を入力してください。",
            "This is what already applies at that moment: change at least one field.",
        )
    row = OfferingChange(
        municipality_code=code,
        kind=change.kind,
        effective_from=change.effective_from,
        account_id=account.id,
        created_at=now,
    )
    row.changes = changes
    uow.session.add(row)
    uow.session.flush()  # its id, for the audit entry
    new = changes_as_audit(changes)
    new["effective_from"] = change.effective_from.isoformat()
    old = _replaced_as_audit(replaced, changes)
    target = ("offering", f"{code}/{change.kind}")
    audit(uow, account.id, "offering_schedule", target, now, old=old or None, new=new)
    uow.commit()
    return row

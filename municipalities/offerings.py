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
from issuance.ports import MunicipalityInfo, Offering
from issuance.service_hours import ServiceHours
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.directory import read_info
from municipalities.model import OfferingChange

MAX_FEE = 10_000  # yen per copy


@dataclass(frozen=True)
class KindService:
    """One kind: the offering in effect now (None: never offered) and changes still to come."""

    kind: str
    now: Offering | None
    upcoming: list[OfferingChange]  # by effective_from; the later scheduled wins a tie


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
    """Every certificate kind of municipality ``code``, in printed order; NotVisibleError for
    an unknown code."""
    info = _info(uow, code)
    upcoming = uow.session.scalars(
        select(OfferingChange)
        .where(OfferingChange.municipality_code == code, OfferingChange.effective_from > now)
        .order_by(OfferingChange.effective_from, OfferingChange.id)
    ).all()
    return [
        KindService(
            kind.value,
            info.offering_at(kind.value, now),
            [change for change in upcoming if change.kind == kind.value],
        )
        for kind in CertificateKind
    ]


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
    old = _as_audit(Offering(row.kind, row.offered, row.fee, row.hours))
    assert old is not None
    old["effective_from"] = row.effective_from.isoformat()
    target = ("offering", f"{code}/{row.kind}")
    audit(uow, account.id, "offering_withdraw", target, now, old=old)
    uow.session.delete(row)
    uow.commit()


def _require_admin(account: StaffAccount, code: str) -> None:
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()


def _as_audit(offering: Offering | None) -> dict[str, object] | None:
    if offering is None:
        return None
    values: dict[str, object] = {
        "kind": offering.kind,
        "offered": offering.offered,
        "fee": offering.fee,
    }
    values.update(hours_as_audit(offering.hours))
    return values


def hours_as_audit(hours: ServiceHours) -> dict[str, str]:
    """``{"hours_weekday": "06:30-23:00", "hours_saturday": "closed", ...}`` for the trail."""
    return {
        f"hours_{cls.value}": (
            f"{day.opens.isoformat('minutes')}-{day.closes.isoformat('minutes')}"
            if day
            else "closed"
        )
        for cls, day in hours.items()
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
    """Schedule ``change`` for municipality ``code`` (validated whole, audited with the
    offering it replaces at that moment, one commit).

    Raises NotVisibleError (not an administrator of ``code``) or StaffInputError (see
    ``validate_offering_change``; OFFERING_CHANGE_EXISTS: one of that kind from that moment).
    """
    _require_admin(account, code)
    validate_offering_change(change, now)
    _refuse_a_second_change_at(uow, code, change)
    replaced = _info(uow, code).offering_at(change.kind, change.effective_from)
    row = OfferingChange(
        municipality_code=code,
        kind=change.kind,
        effective_from=change.effective_from,
        offered=change.offered,
        fee=change.fee,
        account_id=account.id,
        created_at=now,
    )
    row.hours = change.hours
    uow.session.add(row)
    uow.session.flush()  # its id, for the audit entry
    new = _as_audit(Offering(change.kind, change.offered, change.fee, change.hours))
    assert new is not None
    new["effective_from"] = change.effective_from.isoformat()
    target = ("offering", f"{code}/{change.kind}")
    audit(uow, account.id, "offering_schedule", target, now, old=_as_audit(replaced), new=new)
    uow.commit()
    return row

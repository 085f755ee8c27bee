"""Who certifies a municipality's documents, effective-dated: the mayor's title and name as
printed, the masthead's wording and the 公印, from a chosen date and time (an election, an
acting mayor, a new seal). Scheduling one is validated whole and audited old -> new (the
seal by its sha256 and size, never its bytes); history is kept.

A row of ``municipalities_issuer_identity`` applies from its ``effective_from``; the render
reads it through the municipality directory (``MunicipalityInfo.issuer_at``) at the moment
of issue, and the table's writes bump the reference version, so every process follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from issuance.ports import MunicipalityInfo
from issuance.staff.errors import NotVisibleError, StaffInputError
from issuance.staff.model import Role, StaffAccount
from issuance.staff.services import audit
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.directory import read_info
from municipalities.model import IssuerIdentity
from municipalities.seal_image import SealImage

MAX_TITLE = MAX_NAME = 40  # characters, as the columns
MAX_HEADER = 60


@dataclass(frozen=True)
class IdentityInput:
    """An identity as scheduled: ``effective_from`` aware (the portal reads JST); ``seal``
    None keeps the seal in effect at that moment."""

    effective_from: datetime
    mayor_title: str
    mayor_name: str
    header: str
    seal: SealImage | None = None


@dataclass(frozen=True)
class IdentityNow:
    """The identity in effect at a moment, as the page shows it."""

    mayor_title: str
    mayor_name: str
    header: str  # as printed: the default wording when none was set
    uploaded_seal_id: int | None  # the row whose uploaded seal prints; None: the drawn seal
    since: datetime | None  # None: from the municipality's own record


def _info(uow: SqlUnitOfWork, code: str) -> MunicipalityInfo:
    info = read_info(uow, code)
    if info is None:
        raise NotVisibleError()
    return info


def _in_effect(uow: SqlUnitOfWork, code: str, at: datetime) -> IssuerIdentity | None:
    return uow.session.scalars(
        select(IssuerIdentity)
        .where(IssuerIdentity.municipality_code == code, IssuerIdentity.effective_from <= at)
        .order_by(IssuerIdentity.effective_from.desc(), IssuerIdentity.id.desc())
        .limit(1)
    ).first()


def identity_at(uow: SqlUnitOfWork, code: str, at: datetime) -> IdentityNow:
    """The identity of municipality ``code`` in effect at ``at``; NotVisibleError if unknown."""
    info = _info(uow, code)
    row = _in_effect(uow, code, at)
    if row is None:
        default = f"{info.prefecture}{info.name}"
        return IdentityNow(info.mayor_title, info.mayor_name, default, None, None)
    header = row.header or f"{info.prefecture}{info.name}"
    seal_id = row.id if row.seal_png is not None else None
    return IdentityNow(row.mayor_title, row.mayor_name, header, seal_id, row.effective_from)


def identities_of(uow: SqlUnitOfWork, code: str) -> list[IssuerIdentity]:
    """Every scheduled identity of ``code``, latest first (history and upcoming)."""
    return list(
        uow.session.scalars(
            select(IssuerIdentity)
            .where(IssuerIdentity.municipality_code == code)
            .order_by(IssuerIdentity.effective_from.desc(), IssuerIdentity.id.desc())
        )
    )


def identity_row(uow: SqlUnitOfWork, code: str, identity_id: int) -> IssuerIdentity:
    """One scheduled identity of municipality ``code``; NotVisibleError otherwise."""
    row = uow.session.get(IssuerIdentity, identity_id)
    if row is None or row.municipality_code != code:
        raise NotVisibleError()
    return row


def _typed(value: str) -> str:
    """A name as typed: trimmed, an ASCII space between family and given name printed as
    the full-width space certificates use."""
    return " ".join(value.split()).replace(" ", "\u3000")


def validate_identity(change: IdentityInput, now: datetime) -> IdentityInput:
    """``change`` with names as printed; raises StaffInputError IDENTITY_IN_PAST,
    MAYOR_TITLE_INVALID, MAYOR_NAME_INVALID (empty or over 40 characters) or HEADER_INVALID
    (over 60 characters)."""
    if change.effective_from < now:
        raise StaffInputError(
            "IDENTITY_IN_PAST",
            "適用開始日時に過去の日時は指定できません。",
            "The change cannot apply from a moment in the past.",
        )
    title, name, header = (
        _typed(v) for v in (change.mayor_title, change.mayor_name, change.header)
    )
    if not 0 < len(title) <= MAX_TITLE:
        raise StaffInputError(
            "MAYOR_TITLE_INVALID",
            f"首長の職名を{MAX_TITLE}文字以内で入力してください。",
            f"Enter the mayor's title, at most {MAX_TITLE} characters.",
        )
    if not 0 < len(name) <= MAX_NAME:
        raise StaffInputError(
            "MAYOR_NAME_INVALID",
            f"首長の氏名を{MAX_NAME}文字以内で入力してください。",
            f"Enter the mayor's name, at most {MAX_NAME} characters.",
        )
    if len(header) > MAX_HEADER:
        raise StaffInputError(
            "HEADER_INVALID",
            f"証明書の見出しは{MAX_HEADER}文字以内で入力してください。",
            f"The certificate heading must be at most {MAX_HEADER} characters.",
        )
    return IdentityInput(change.effective_from, title, name, header, change.seal)


def _seal_label(png: bytes | None, sha256: str | None) -> str | None:
    if png is None:
        return None
    return f"sha256:{(sha256 or '')[:16]}, {len(png):,} B"


def _audit_values(row: IssuerIdentity | None, info: MunicipalityInfo) -> dict[str, object]:
    if row is None:
        return {
            "mayor_title": info.mayor_title,
            "mayor_name": info.mayor_name,
            "header": None,  # the default wording: "—" on the audit page
            "seal": None,
        }
    return {
        "mayor_title": row.mayor_title,
        "mayor_name": row.mayor_name,
        "header": row.header or None,
        "seal": _seal_label(row.seal_png, row.seal_sha256),
    }


def _require_admin(account: StaffAccount, code: str) -> None:
    if account.role is not Role.MUNICIPAL_ADMIN or account.municipality_code != code:
        raise NotVisibleError()


def schedule_identity(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, change: IdentityInput, now: datetime
) -> IssuerIdentity:
    """Schedule ``change`` for municipality ``code`` from its ``effective_from`` (validated
    whole, audited with the identity it replaces at that moment, one commit).

    Raises NotVisibleError (not an administrator of ``code``) or StaffInputError (see
    ``validate_identity``; IDENTITY_EXISTS: one is already scheduled from that moment).
    """
    _require_admin(account, code)
    change = validate_identity(change, now)
    info = _info(uow, code)
    taken = uow.session.scalar(
        select(IssuerIdentity.id).where(
            IssuerIdentity.municipality_code == code,
            IssuerIdentity.effective_from == change.effective_from,
        )
    )
    if taken is not None:
        raise StaffInputError(
            "IDENTITY_EXISTS",
            "同じ日時からの変更がすでに予約されています。"
            "変えるときは、予約を取り下げてから予約し直してください。",
            "A change from this moment is already scheduled. "
            "To change it, withdraw that one and schedule again.",
        )
    replaced = _in_effect(uow, code, change.effective_from)
    png: bytes | None = None
    digest: str | None = None
    if change.seal is not None:
        png, digest = change.seal.png, change.seal.sha256
    elif replaced is not None:
        png, digest = replaced.seal_png, replaced.seal_sha256
    row = IssuerIdentity(
        municipality_code=code,
        effective_from=change.effective_from,
        mayor_title=change.mayor_title,
        mayor_name=change.mayor_name,
        header=change.header,
        seal_png=png,
        seal_sha256=digest,
        account_id=account.id,
        created_at=now,
    )
    uow.session.add(row)
    uow.session.flush()  # its id, for the audit entry
    new = _audit_values(row, info) | {"effective_from": change.effective_from.isoformat()}
    old = _audit_values(replaced, info)
    audit(uow, account.id, "identity_schedule", ("identity", code), now, old=old, new=new)
    uow.commit()
    return row


def withdraw_identity(
    uow: SqlUnitOfWork, account: StaffAccount, code: str, identity_id: int, now: datetime
) -> None:
    """Withdraw an identity not yet in effect (deleted; the audit entry keeps it; one commit).

    Raises NotVisibleError (not an administrator of ``code``; another's) or StaffInputError
    IDENTITY_IN_EFFECT (in effect already: schedule another one).
    """
    _require_admin(account, code)
    row = identity_row(uow, code, identity_id)
    if row.effective_from <= now:
        raise StaffInputError(
            "IDENTITY_IN_EFFECT",
            "適用が始まった変更は取り消せません。新たな変更を予約してください。",
            "A change in effect cannot be withdrawn; schedule another change instead.",
        )
    old = _audit_values(row, _info(uow, code)) | {"effective_from": row.effective_from.isoformat()}
    audit(uow, account.id, "identity_withdraw", ("identity", code), now, old=old)
    uow.session.delete(row)
    uow.commit()

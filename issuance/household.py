"""Choosing household members without ever exposing their 住民票コード to the kiosk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from issuance.audit import audit_access
from issuance.card_auth import TrustStore
from issuance.eligibility import JST
from issuance.identity import Resident
from issuance.model import CertificateKind
from issuance.ports import BackendRegistry, MunicipalityDirectory, UnitOfWork
from issuance.records import Household, Person
from issuance.refusals import RefusalError
from issuance.routing import check_resident_for
from issuance.session_checks import session_resident


@dataclass(frozen=True)
class MemberChoice:
    ref: str
    name: str
    relationship: str
    is_self: bool


def member_ref(session_id: str, juminhyo_code: str) -> str:
    """An opaque handle for one member, valid only within one kiosk session."""
    return hashlib.sha256(f"{session_id}:{juminhyo_code}".encode()).hexdigest()[:16]


def fetch_household(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    backends: BackendRegistry,
    resident: Resident,
    request_id: str | None = None,
) -> Household:
    """The resident's household from the backend of their municipality, bound to them."""
    info = directory.get(uow, resident.municipality_code) if resident.municipality_code else None
    if info is None:
        raise RefusalError("NO_RECORD")
    backend = backends.for_municipality(info)
    household = backend.household_of(uow, info.code, resident.juminhyo_code, request_id)
    if household is None:
        raise RefusalError("NO_RECORD")
    if household.municipality_code != info.code or household.member(resident.juminhyo_code) is None:
        # A backend answered for somebody else: never render it.
        raise RefusalError("RECORD_MISMATCH")
    return household


def select_members(
    household: Household, session_id: str, requester: str, members: str | list[str]
) -> tuple[Person, ...]:
    if members == "all":
        return household.members
    if members == "self":
        return tuple(m for m in household.members if m.juminhyo_code == requester)
    by_ref = {member_ref(session_id, m.juminhyo_code): m for m in household.members}
    unknown = [ref for ref in members if ref not in by_ref]
    if unknown or not members:
        raise RefusalError("MEMBER_NOT_IN_HOUSEHOLD")
    chosen = set(members)
    return tuple(m for m in household.members if member_ref(session_id, m.juminhyo_code) in chosen)


def list_household(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    backends: BackendRegistry,
    trust: TrustStore,
    kiosk_id: str,
    session_id: str,
    now: datetime,
) -> list[MemberChoice]:
    """The members the resident may choose for a 住民票, by name and 続柄; access is audited.

    Refused (RefusalError) as a 住民票 itself would be for the person — MOVING_OUT once a
    転出届 is filed, MOVED_ABROAD — besides what ``session_resident`` raises: no member is
    listed for a certificate that cannot be issued.
    """
    resident = session_resident(uow, trust, kiosk_id, session_id, now)
    check_resident_for(resident, CertificateKind.JUMINHYO, now.astimezone(JST).date())
    household = fetch_household(uow, directory, backends, resident)
    audit_access(
        uow,
        (m.juminhyo_code for m in household.members),
        household.municipality_code,
        kiosk_id,
        None,
        "household_list",
        now,
    )
    uow.commit()
    return [
        MemberChoice(
            member_ref(session_id, m.juminhyo_code),
            m.name,
            m.relationship,
            m.juminhyo_code == resident.juminhyo_code,
        )
        for m in household.members
    ]

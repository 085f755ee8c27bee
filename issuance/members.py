"""The people a resident may choose (household, 戸籍); no 住民票コード ever reaches the kiosk."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from issuance.audit import audit_access
from issuance.binding import bound_record
from issuance.calendar import JST
from issuance.index.model import Resident
from issuance.koseki_records import Koseki
from issuance.model import CertificateKind
from issuance.ports import BackendRegistry, MunicipalityDirectory, UnitOfWork
from issuance.records import Household, Person, RecordQuery
from issuance.refusals import RefusalError
from issuance.routing import check_resident_for, route_request
from issuance.sessions.checks import checked_session
from issuance.sessions.jpki import TrustStore


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
    session, resident = checked_session(uow, trust, kiosk_id, session_id, now)
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
        session.card_generation,
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


def list_koseki_members(
    uow: UnitOfWork,
    directory: MunicipalityDirectory,
    backends: BackendRegistry,
    trust: TrustStore,
    kiosk_id: str,
    session_id: str,
    now: datetime,
) -> list[MemberChoice]:
    """Living members recorded in the 戸籍 (not 除籍), from the 本籍地; the access is audited.

    Routed like a 附票 request: DV, 利用登録 and hours refuse the listing as they would it,
    after sign-in's checks made again (``session_resident``).
    """
    session, resident = checked_session(uow, trust, kiosk_id, session_id, now)
    route = route_request(uow, directory, resident, CertificateKind.KOSEKI_FUHYO, now)
    query = RecordQuery(
        f"koseki-list-{secrets.token_hex(8)}", route.info.code, resident.juminhyo_code
    )
    backend = backends.for_municipality(route.info)
    koseki: Koseki = bound_record(backend.koseki(uow, query), query, "NO_KOSEKI_RECORD")
    if koseki.member(resident.juminhyo_code) is None:
        raise RefusalError("RECORD_MISMATCH")
    members = [m for m in koseki.members if m.juminhyo_code and not m.removed]
    codes = [m.juminhyo_code for m in members if m.juminhyo_code]
    audit_access(
        uow, codes, route.info.code, kiosk_id, None, "koseki_list", now, session.card_generation
    )
    uow.commit()
    return [
        MemberChoice(
            member_ref(session_id, m.juminhyo_code or ""),
            m.name,
            m.spouse_role or m.relationship,  # 夫 / 妻, else the 続柄 (長男 …)
            m.juminhyo_code == resident.juminhyo_code,
        )
        for m in members
    ]

"""The people of the resident's 戸籍 to choose from, by name only, for 個人事項 and 附票."""

from __future__ import annotations

import secrets
from datetime import datetime

from issuance.assembly import bound_record
from issuance.audit import audit_access
from issuance.card_auth import TrustStore
from issuance.household import MemberChoice, member_ref
from issuance.model import CertificateKind
from issuance.ports import BackendRegistry, MunicipalityDirectory, UnitOfWork
from issuance.records import Koseki, RecordQuery
from issuance.refusals import RefusalError
from issuance.routing import route_request
from issuance.session_checks import session_resident


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
    resident = session_resident(uow, trust, kiosk_id, session_id, now)
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
    audit_access(uow, codes, route.info.code, kiosk_id, None, "koseki_list", now)
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

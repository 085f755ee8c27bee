"""Building a new certificate request: its idempotency digest, the backend's precheck."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from issuance.assembly import PRECHECK_KINDS, precheck_record
from issuance.audit import audit_access
from issuance.calendar import JST
from issuance.errors import KofuError
from issuance.index.model import Resident
from issuance.model import CertificateKind, CertificateRequest, RequestState
from issuance.ports import BackendRegistry, UnitOfWork
from issuance.routing import Route


class IdempotencyConflictError(KofuError):
    code = "IDEMPOTENCY_KEY_REUSED"
    message_ja = "同じ受付番号で別の内容が送られました。"
    message_en = "The idempotency key was already used for a different request."


@dataclass(frozen=True)
class NewRequest:
    kind: CertificateKind
    options: dict[str, Any]
    copies: int
    idempotency_key: str

    def digest(self) -> str:
        body = {"kind": self.kind.value, "options": self.options, "copies": self.copies}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def new_serial(now: datetime) -> str:
    return f"{now.astimezone(JST):%y%m%d}{secrets.randbelow(10**10):010d}"


def replay(existing: CertificateRequest, new: NewRequest) -> CertificateRequest:
    if existing.body_digest != new.digest():
        raise IdempotencyConflictError()
    return existing


def precheck(
    uow: UnitOfWork,
    backends: BackendRegistry,
    route: Route,
    request_id: str,
    kiosk_id: str,
    resident: Resident,
    now: datetime,
    card_generation: str | None = None,
) -> None:
    """Ask the answering backend now (within its timeout), so the kiosk refuses at once.

    The look-up is audited as a record access (naming the session's card generation) even
    when it ends in a refusal.
    """
    if route.kind not in PRECHECK_KINDS:
        return
    audit_access(
        uow,
        [resident.juminhyo_code],
        route.info.code,
        kiosk_id,
        request_id,
        "precheck",
        now,
        card_generation,
    )
    try:
        precheck_record(
            uow,
            backends.for_municipality(route.info),
            route,
            request_id,
            resident.juminhyo_code,
            now,
        )
    except KofuError:
        uow.commit()
        raise


def new_request(
    request_id: str,
    kiosk_id: str,
    session_id: str,
    resident: Resident,
    route: Route,
    new: NewRequest,
    now: datetime,
) -> CertificateRequest:
    options = dict(new.options)
    if route.tax_year is not None:
        options["tax_year"] = route.tax_year
    return CertificateRequest(
        id=request_id,
        session_id=session_id,
        kiosk_id=kiosk_id,
        juminhyo_code=resident.juminhyo_code,
        municipality_code=route.info.code,
        kind=new.kind,
        options=options,
        copies=new.copies,
        idempotency_key=new.idempotency_key,
        body_digest=new.digest(),
        state=RequestState.ACCEPTED,
        attempts=0,
        fee_per_copy=route.offering.fee,
        serial=new_serial(now),
        created_at=now,
        updated_at=now,
    )

"""Fetch one kind's record from the answering backend, check its binding, build the document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from issuance.binding import bound_record
from issuance.calendar import JST
from issuance.documents import CertificateDocument
from issuance.index.alarms import raise_alarm
from issuance.index.check import RecordsOutOfSyncError, check_record, index_of
from issuance.koseki_records import Fuhyo, Koseki, KosekiMember
from issuance.members import member_ref
from issuance.model import CertificateKind, CertificateRequest
from issuance.ports import RecordsBackend, UnitOfWork
from issuance.records import RecordQuery, SealRegistration, TaxAssessment
from issuance.refusals import RefusalError
from issuance.routing import Route


def _koseki_members(koseki: Koseki, request: CertificateRequest) -> tuple[KosekiMember, ...]:
    if koseki.pending_notifications:
        raise RefusalError("KOSEKI_PENDING")
    if koseki.member(request.juminhyo_code) is None:
        raise RefusalError("RECORD_MISMATCH")
    if request.kind is CertificateKind.KOSEKI_ZENBU:
        return koseki.members
    chosen = request.options.get("members", "self")
    if chosen == "self":
        return (koseki.member(request.juminhyo_code),)  # type: ignore[return-value]
    by_ref = {
        member_ref(request.session_id, m.juminhyo_code): m
        for m in koseki.members
        if m.juminhyo_code
    }
    if not chosen or any(ref not in by_ref for ref in chosen):
        raise RefusalError("KOSEKI_MEMBER_NOT_FOUND")
    return tuple(m for ref, m in by_ref.items() if ref in set(chosen))


def _record(
    uow: UnitOfWork, backend: RecordsBackend, query: RecordQuery, kind: CertificateKind
) -> tuple[SealRegistration | TaxAssessment | Koseki | Fuhyo, str]:
    fetchers: dict[CertificateKind, tuple[Callable[..., Any], str]] = {
        CertificateKind.INKAN: (backend.seal_registration, "NO_SEAL_REGISTERED"),
        CertificateKind.KAZEI: (backend.tax_assessment, "NO_TAX_RECORD"),
        CertificateKind.SHOTOKU: (backend.tax_assessment, "NO_TAX_RECORD"),
        CertificateKind.KOSEKI_ZENBU: (backend.koseki, "NO_KOSEKI_RECORD"),
        CertificateKind.KOSEKI_KOJIN: (backend.koseki, "NO_KOSEKI_RECORD"),
        CertificateKind.KOSEKI_FUHYO: (backend.fuhyo, "NO_KOSEKI_RECORD"),
    }
    fetch, missing = fetchers[kind]
    return bound_record(fetch(uow, query), query, missing), missing


def _fuhyo_subject(
    uow: UnitOfWork, backend: RecordsBackend, query: RecordQuery, request: CertificateRequest
) -> str:
    """Whose 附票: oneself, or one member of the same 戸籍 chosen by ref (/koseki-members)."""
    chosen = request.options.get("member", "self")
    if chosen == "self":
        return request.juminhyo_code
    koseki = bound_record(backend.koseki(uow, query), query, "NO_KOSEKI_RECORD")
    if koseki.member(request.juminhyo_code) is None:
        raise RefusalError("RECORD_MISMATCH")
    for member in koseki.members:
        code = member.juminhyo_code
        if code and not member.removed and member_ref(request.session_id, code) == chosen:
            return code
    raise RefusalError("KOSEKI_MEMBER_NOT_FOUND")


PRECHECK_KINDS = frozenset(
    {
        CertificateKind.INKAN,
        CertificateKind.KAZEI,
        CertificateKind.SHOTOKU,
        CertificateKind.KOSEKI_ZENBU,
        CertificateKind.KOSEKI_KOJIN,
        CertificateKind.KOSEKI_FUHYO,
    }
)


# Kinds whose named people are known before the options are read: checked against the index
# at submission too (issuance/index/check.py); the others only when rendering.
NAMED_AT_SUBMISSION = frozenset(
    {
        CertificateKind.INKAN,
        CertificateKind.KAZEI,
        CertificateKind.SHOTOKU,
        CertificateKind.KOSEKI_ZENBU,
    }
)


def _named(record: SealRegistration | TaxAssessment | Koseki | Fuhyo) -> tuple[str, ...]:
    if isinstance(record, Koseki):
        return tuple(m.juminhyo_code for m in record.members if m.juminhyo_code)
    return (record.juminhyo_code,)


def precheck_record(
    uow: UnitOfWork,
    backend: RecordsBackend,
    route: Route,
    request_id: str,
    juminhyo_code: str,
    now: datetime | None = None,
) -> None:
    """At submission: the refusals only the backend knows (no seal, no tax record, 届出 pending).

    Bound to the request like the render's own fetch; the render checks everything again.
    With ``now``, the people the record names are also checked against the national index
    (issuance/index/check.py) for the kinds in ``NAMED_AT_SUBMISSION``; a disagreement adds
    an out-of-sync alarm, committed by the caller with its refusal.
    """
    if route.kind not in PRECHECK_KINDS:
        return
    query = RecordQuery(request_id, route.info.code, juminhyo_code, route.tax_year)
    record, _ = _record(uow, backend, query, route.kind)
    if isinstance(record, Koseki | Fuhyo) and record.pending_notifications:
        raise RefusalError("KOSEKI_PENDING")
    if now is None or route.kind not in NAMED_AT_SUBMISSION:
        return
    today = now.astimezone(JST).date()
    try:
        check_record(index_of(uow), route.info.code, record, _named(record), today)
    except RecordsOutOfSyncError as stale:
        raise_alarm(uow, stale, route.kind.value, request_id, "submission", now)
        raise


def build_certificate(
    uow: UnitOfWork,
    backend: RecordsBackend,
    route: Route,
    request: CertificateRequest,
    now: datetime,
) -> CertificateDocument:
    """The document for any kind but the 住民票 ones, naming only people bound to the request."""
    query = RecordQuery(request.id, route.info.code, request.juminhyo_code, route.tax_year)
    if request.kind is CertificateKind.KOSEKI_FUHYO:
        query = replace(query, juminhyo_code=_fuhyo_subject(uow, backend, query, request))
    record, _ = _record(uow, backend, query, request.kind)
    options: dict[str, object] = {}
    subjects: tuple[str, ...] = (query.juminhyo_code,)
    if isinstance(record, TaxAssessment) and record.tax_year != route.tax_year:
        raise RefusalError("RECORD_MISMATCH")
    if isinstance(record, Fuhyo) and record.pending_notifications:
        raise RefusalError("KOSEKI_PENDING")
    if isinstance(record, Fuhyo):  # 本籍・筆頭者 only when asked (住民基本台帳法 第20条)
        options["show_honseki"] = bool(request.options.get("show_honseki", False))
    if isinstance(record, Koseki):
        members = _koseki_members(record, request)
        subjects = tuple(m.juminhyo_code for m in members if m.juminhyo_code)
        options["members"] = members
    check_record(index_of(uow), route.info.code, record, subjects, now.astimezone(JST).date())
    info = route.info
    return CertificateDocument(
        kind=request.kind.value,
        serial=request.serial,
        issued_on=now.astimezone(JST).date(),
        issuer=info.issuer_at(now),
        record=record,
        subject_codes=subjects,
        options=options,
    )

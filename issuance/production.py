"""The render job's use case: fetch the records, check them, render, and hold the document."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from issuance.assembly import build_certificate
from issuance.audit import audit_access
from issuance.authenticity.register import content_digest, register_document
from issuance.authenticity.tokens import DocumentClaims, Keyring
from issuance.calendar import JST
from issuance.codes import mask_juminhyo_code
from issuance.documents import CertificateDocument, JuminhyoDocument, Stamp
from issuance.errors import KofuError
from issuance.index.alarms import raise_alarm
from issuance.index.check import (
    RecordsOutOfSyncError,
    check_household,
    index_of,
    removed_members,
)
from issuance.index.model import Resident
from issuance.koseki_records import Koseki
from issuance.members import fetch_household, select_members
from issuance.model import (
    CertificateKind,
    CertificateRequest,
    Document,
    RequestState,
)
from issuance.ports import BackendRegistry, MunicipalityDirectory, Renderer, UnitOfWork
from issuance.refusals import RefusalError
from issuance.routing import Route, route_request

log = logging.getLogger(__name__)
# What a record of an unexpected shape raises while a document is built from it. Never
# retried (the record stays the same): the request fails at once instead of waiting for
# RENDER_TIMEOUT. Only the type is logged: the messages may quote residents' data.
RECORD_SHAPE_ERRORS = (ValueError, TypeError, LookupError, AttributeError)


@dataclass(frozen=True)
class ProductionDeps:
    uow_factory: Callable[[], UnitOfWork]
    directory: MunicipalityDirectory
    backends: BackendRegistry
    renderer: Renderer
    document_ttl: timedelta
    clock: Callable[[], datetime]
    on_mismatch: Callable[[str], None] = lambda request_id: None
    on_ready: Callable[[float], None] = lambda seconds: None  # request → ready, in seconds
    on_failed: Callable[[str], None] = lambda code: None  # the refusal's code
    # The issuer's records disagreed with the national index (its municipality code).
    on_out_of_sync: Callable[[str], None] = lambda municipality_code: None
    keyring: Keyring | None = None  # signs the token in each document's QR code
    verify_url: str = ""  # the public verification page the QR code opens


JUMINHYO_KINDS = (CertificateKind.JUMINHYO, CertificateKind.JUMINHYO_KISAI)


def _build(
    uow: UnitOfWork, deps: ProductionDeps, request: CertificateRequest, now: datetime
) -> JuminhyoDocument | CertificateDocument:
    """Route again (hours, refusals, 利用登録 may have changed), then fetch and check records."""
    resident = uow.residents.get(request.juminhyo_code)
    if resident is None:
        raise RefusalError("NO_RECORD")
    tax_year = request.options.get("tax_year")
    route = route_request(uow, deps.directory, resident, request.kind, now, tax_year)
    if route.info.code != request.municipality_code:
        raise RefusalError("NO_RECORD")  # the answering municipality changed since the request
    if request.kind not in JUMINHYO_KINDS:
        backend = deps.backends.for_municipality(route.info)
        doc = build_certificate(uow, backend, route, request, now)
        audit_access(
            uow,
            doc.subject_codes,
            route.info.code,
            request.kiosk_id,
            request.id,
            "render",
            now,
            _card_generation(uow, request),
        )
        return doc
    return _build_juminhyo(uow, deps, request, resident, route, now)


def _card_generation(uow: UnitOfWork, request: CertificateRequest) -> str | None:
    """The generation of the card that asked, for the audit (None once its session is gone)."""
    session = uow.kiosk_sessions.get(request.session_id)
    return None if session is None else session.card_generation


def _build_juminhyo(
    uow: UnitOfWork,
    deps: ProductionDeps,
    request: CertificateRequest,
    resident: Resident,
    route: Route,
    now: datetime,
) -> JuminhyoDocument:
    info = route.info
    household = fetch_household(uow, deps.directory, deps.backends, resident, request.id)
    members = select_members(
        household, request.session_id, resident.juminhyo_code, request.options.get("members", "all")
    )
    show_relationship = bool(request.options.get("show_relationship", True))
    check_household(index_of(uow), household, members, shows_head=show_relationship)
    audit_access(
        uow,
        (m.juminhyo_code for m in members),
        household.municipality_code,
        request.kiosk_id,
        request.id,
        "render",
        now,
        _card_generation(uow, request),
    )
    return JuminhyoDocument(
        serial=request.serial,
        issued_on=now.astimezone(JST).date(),
        issuer=info.issuer_at(now),
        address=household.address,
        head_name=household.head_name,
        members=members,
        show_honseki=bool(request.options.get("show_honseki", False)),
        show_relationship=show_relationship,
        show_my_number=bool(request.options.get("show_my_number", False)),
        show_alias_history=bool(request.options.get("show_alias_history", False)),
        whole_household=request.options.get("members", "all") == "all",
        kisai=request.kind is CertificateKind.JUMINHYO_KISAI,
    )


def _claim(uow: UnitOfWork, request_id: str, now: datetime) -> CertificateRequest | None:
    request = uow.requests.get(request_id, for_update=True)
    if request is None or request.state not in (RequestState.ACCEPTED, RequestState.RENDERING):
        return None  # already done, or gone: running the job twice changes nothing
    request.start_rendering(now)
    return request


def _fail(
    deps: ProductionDeps,
    request_id: str,
    code: str,
    out_of_sync: RecordsOutOfSyncError | None = None,
) -> RequestState:
    """The request ends failed (no charge); an out-of-sync alarm is committed with it."""
    with deps.uow_factory() as uow:
        request = _claim(uow, request_id, deps.clock())
        if request is None:
            return RequestState.FAILED
        request.fail(code, deps.clock())
        if out_of_sync is not None:
            raise_alarm(uow, out_of_sync, request.kind.value, request_id, "render", deps.clock())
        uow.commit()
    if out_of_sync is not None:
        deps.on_out_of_sync(out_of_sync.municipality_code)
    deps.on_failed(code)
    return RequestState.FAILED


def produce_document(deps: ProductionDeps, request_id: str) -> RequestState | None:
    """Render one request. Safe to run twice or concurrently: only one result is ever kept."""
    with deps.uow_factory() as uow:
        request = _claim(uow, request_id, deps.clock())
        if request is None:
            return None
        try:
            doc = _build(uow, deps, request, deps.clock())
        except KofuError as refusal:
            if refusal.code == "RECORD_MISMATCH":
                deps.on_mismatch(request_id)
            log.info("request %s refused: %s", request_id, refusal.code)
            uow.rollback()
            stale = refusal if isinstance(refusal, RecordsOutOfSyncError) else None
            return _fail(deps, request_id, refusal.code, stale)
        except RECORD_SHAPE_ERRORS as exc:
            log.error("request %s: record unprintable (%s)", request_id, type(exc).__name__)
            uow.rollback()
            return _fail(deps, request_id, "RECORD_UNPRINTABLE")
        doc, claims = _stamp(deps, request, doc)
        expected = _subjects(doc)
        uow.commit()  # the claim and the audit trail; nothing is locked while rendering
    try:
        rendered = deps.renderer.render(doc)
    except KofuError as refusal:  # e.g. UNSUPPORTED_CHARACTER: a 外字 the fonts lack
        log.info("request %s refused at render: %s", request_id, refusal.code)
        return _fail(deps, request_id, refusal.code)
    except Exception as exc:  # rendering is deterministic: a retry would fail the same way
        log.error("request %s: render failed (%s)", request_id, type(exc).__name__)
        return _fail(deps, request_id, "RENDER_FAILED")
    if rendered.subject_codes != expected:
        deps.on_mismatch(request_id)
        log.error(
            "request %s: rendered subjects differ (%s)",
            request_id,
            ",".join(mask_juminhyo_code(c) for c in rendered.subject_codes),
        )
        return _fail(deps, request_id, "RECORD_MISMATCH")
    return _store(deps, request_id, rendered.pdf, rendered.digest, rendered.pages, doc, claims)


Doc = JuminhyoDocument | CertificateDocument


def _subjects(doc: Doc) -> tuple[str, ...]:
    """Who the document names: what the renderer must confirm, and the download checks again."""
    if isinstance(doc, CertificateDocument):
        return doc.subject_codes
    return tuple(m.juminhyo_code for m in doc.members)


def _removed(doc: Doc) -> list[str]:
    """The 戸籍 members the document prints as 除籍 (their codes)."""
    if isinstance(doc, CertificateDocument) and isinstance(doc.record, Koseki):
        return sorted(removed_members(doc.record) & set(doc.subject_codes))
    return []


def _stamp(
    deps: ProductionDeps, request: CertificateRequest, doc: Doc
) -> tuple[Doc, DocumentClaims | None]:
    """Sign the document's identity and content digest; the QR code carries the token."""
    if deps.keyring is None:
        return doc, None
    canonical = json.dumps(asdict(doc), default=str, sort_keys=True, ensure_ascii=False)
    claims = DocumentClaims(
        request.serial,
        request.kind.value,
        request.municipality_code,
        doc.issued_on,
        content_digest(canonical.encode()),
    )
    return replace(doc, stamp=Stamp(deps.keyring.sign(claims), deps.verify_url)), claims


def _store(
    deps: ProductionDeps,
    request_id: str,
    pdf: bytes,
    digest: str,
    pages: int,
    doc: Doc,
    claims: DocumentClaims | None,
) -> RequestState | None:
    now = deps.clock()
    with deps.uow_factory() as uow:
        request = uow.requests.get(request_id, for_update=True)
        if request is None or request.state is not RequestState.RENDERING:
            return None  # another run of this job got there first
        request.mark_ready(digest, pages, now)
        if claims is not None and doc.stamp is not None and deps.keyring is not None:
            kid = deps.keyring.verify(doc.stamp.token)[0]
            register_document(uow, claims, kid, digest, pages, now)
        uow.held_documents.add(
            Document(
                request_id=request_id,
                pdf=pdf,
                created_at=now,
                expires_at=now + deps.document_ttl,
                subject_codes=list(_subjects(doc)),
                removed_codes=_removed(doc),
            )
        )
        uow.commit()
    deps.on_ready((now - request.created_at).total_seconds())
    return RequestState.READY

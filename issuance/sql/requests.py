"""SQL repositories of certificate requests, their held PDFs and the issued-document register."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from issuance.authenticity.model import DocumentStatus, IssuedDocument
from issuance.model import (
    OPEN_STATES,
    UNSETTLED_STATES,
    CertificateRequest,
    Document,
    RequestState,
)
from issuance.sessions.kiosks import Kiosk


class SqlCertificateRequests:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, request_id: str, *, for_update: bool = False) -> CertificateRequest | None:
        query = select(CertificateRequest).where(CertificateRequest.id == request_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def by_idempotency_key(self, session_id: str, key: str) -> CertificateRequest | None:
        return self.session.scalars(
            select(CertificateRequest).where(
                CertificateRequest.session_id == session_id,
                CertificateRequest.idempotency_key == key,
            )
        ).one_or_none()

    def add(self, request: CertificateRequest) -> None:
        self.session.add(request)

    def stuck(self, older_than: datetime) -> list[CertificateRequest]:
        return list(
            self.session.scalars(
                select(CertificateRequest)
                .where(
                    CertificateRequest.state.in_([RequestState.ACCEPTED, RequestState.RENDERING]),
                    CertificateRequest.updated_at < older_than,
                )
                .with_for_update(skip_locked=True)
            )
        )

    def delivered_before(self, before: datetime) -> list[CertificateRequest]:
        return list(
            self.session.scalars(
                select(CertificateRequest)
                .where(
                    CertificateRequest.state == RequestState.DELIVERED,
                    CertificateRequest.delivered_at < before,
                )
                .with_for_update(skip_locked=True)
            )
        )

    def by_serials(self, serials: Iterable[str]) -> dict[str, CertificateRequest]:
        wanted = sorted(set(serials))
        if not wanted:
            return {}
        found = self.session.scalars(
            select(CertificateRequest)
            .where(CertificateRequest.serial.in_(wanted))
            .order_by(CertificateRequest.serial)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {r.serial: r for r in found}

    def unsettled(self, operator_id: str | None = None) -> list[CertificateRequest]:
        query = select(CertificateRequest).where(CertificateRequest.state.in_(UNSETTLED_STATES))
        if operator_id is not None:
            query = query.join(Kiosk, Kiosk.id == CertificateRequest.kiosk_id).where(
                Kiosk.operator_id == operator_id
            )
        return list(self.session.scalars(query.order_by(CertificateRequest.delivered_at)))

    def open_for_update(
        self,
        *,
        request_id: str | None = None,
        session_id: str | None = None,
        kiosk_id: str | None = None,
    ) -> list[CertificateRequest]:
        if request_id is not None:
            where = CertificateRequest.id == request_id
        elif session_id is not None:
            where = CertificateRequest.session_id == session_id
        elif kiosk_id is not None:
            where = CertificateRequest.kiosk_id == kiosk_id
        else:
            raise TypeError("open_for_update needs request_id, session_id or kiosk_id")
        return list(
            self.session.scalars(
                select(CertificateRequest)
                .where(where, CertificateRequest.state.in_(OPEN_STATES))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )


class SqlHeldDocuments:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, request_id: str) -> Document | None:
        return self.session.get(Document, request_id)

    def add(self, document: Document) -> None:
        self.session.add(document)

    def remove(self, document: Document) -> None:
        self.session.delete(document)

    def delete(self, request_ids: Iterable[str]) -> None:
        ids = list(request_ids)
        if ids:
            self.session.execute(delete(Document).where(Document.request_id.in_(ids)))

    def expired(self, now: datetime) -> list[Document]:
        return list(
            self.session.scalars(
                select(Document).where(Document.expires_at <= now).with_for_update(skip_locked=True)
            )
        )


class SqlDocumentRegister:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, serial: str) -> IssuedDocument | None:
        return self.session.get(IssuedDocument, serial)

    def put(self, document: IssuedDocument) -> None:
        self.session.merge(document)

    def set_status(self, serial: str, status: DocumentStatus) -> None:
        self.session.execute(
            update(IssuedDocument).where(IssuedDocument.serial == serial).values(status=status)
        )

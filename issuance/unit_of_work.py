"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from issuance.ports import UnitOfWork
from issuance.reference import reference_version
from issuance.repositories import (
    Alarms,
    AppliedIdous,
    AuditTrail,
    CertificateRequests,
    DocumentRegister,
    HeldDocuments,
    Kiosks,
    KioskSessions,
    PinResets,
    RefusalCounts,
    ResidentIndex,
    UseRegistrations,
)
from issuance.sql.people import SqlKiosks, SqlKioskSessions, SqlResidentIndex
from issuance.sql.pin_resets import SqlPinResets
from issuance.sql.records import (
    SqlAlarms,
    SqlAppliedIdous,
    SqlAuditTrail,
    SqlUseRegistrations,
)
from issuance.sql.refusal_counts import SqlRefusalCounts
from issuance.sql.requests import SqlCertificateRequests, SqlDocumentRegister, SqlHeldDocuments
from issuance.staff.ports import StaffAccounts, StaffAudit, StaffUnitOfWork
from issuance.staff.sql import SqlStaffAccounts, SqlStaffAudit


class SqlUnitOfWork(StaffUnitOfWork, Protocol):
    """A unit of work backed by a database session: what the SQL adapters (billing,
    municipalities, the verification page) take, since they are SQL by nature."""

    session: Session


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.session = session = self._session_factory()
        self.requests: CertificateRequests = SqlCertificateRequests(session)
        self.held_documents: HeldDocuments = SqlHeldDocuments(session)
        self.documents: DocumentRegister = SqlDocumentRegister(session)
        self.residents: ResidentIndex = SqlResidentIndex(session)
        self.kiosk_sessions: KioskSessions = SqlKioskSessions(session)
        self.kiosks: Kiosks = SqlKiosks(session)
        self.audit: AuditTrail = SqlAuditTrail(session)
        self.alarms: Alarms = SqlAlarms(session)
        self.use_registrations: UseRegistrations = SqlUseRegistrations(session)
        self.applied_idous: AppliedIdous = SqlAppliedIdous(session)
        self.refusal_counts: RefusalCounts = SqlRefusalCounts(session)
        self.pin_resets: PinResets = SqlPinResets(session)
        self.staff_accounts: StaffAccounts = SqlStaffAccounts(session)
        self.staff_audit: StaffAudit = SqlStaffAudit(session)
        return self

    def __exit__(self, *exc: object) -> None:
        # close() discards whatever was not committed, and leaves loaded objects readable.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def reference_version(self) -> int:
        return reference_version(self.session)


def sql_unit_of_work(uow: UnitOfWork) -> SqlUnitOfWork:
    """The SQL unit of work behind a port's ``uow`` argument, for adapters that implement a
    domain port with SQL. TypeError for any other (a fake passed to a SQL adapter)."""
    if not isinstance(uow, SqlAlchemyUnitOfWork):
        raise TypeError(f"a SQL adapter was given {type(uow).__name__}, not a SQL unit of work")
    return uow
